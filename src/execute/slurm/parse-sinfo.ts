// `sinfo -h -o '%P|%l|%C'` prints one line per partition: its name (`*` marks the default), its
// time limit (`infinite`, `30:00`, `2:00:00`, `1-00:00:00`) and its CPUs as
// allocated/idle/other/total (`0/2/0/2`; "other" are down or drained). The packer reads from it
// how many tasks the cluster can run at once, and the longest --time a partition takes.

/** One partition as sinfo describes it. */
export interface PartitionCapacity {
  readonly name: string;
  readonly isDefault: boolean;
  /** CPUs that can run jobs: total minus down or drained. */
  readonly cpus: number;
  /** The partition's time limit; undefined when it has none (`infinite`) or sinfo does not say. */
  readonly maxTimeMs: number | undefined;
}

export const SINFO_ARGV: readonly string[] = ['sinfo', '--noheader', '--format=%P|%l|%C'];

/** One entry per partition line; lines that do not parse are skipped (no news). */
export function parseSinfo(text: string): PartitionCapacity[] {
  const partitions: PartitionCapacity[] = [];
  for (const line of text.split('\n')) {
    const [rawName = '', limit = '', cpuStates = ''] = line.trim().split('|');
    const counts = cpuStates.split('/').map(Number);
    if (rawName === '' || counts.length !== 4 || counts.some((n) => !Number.isInteger(n) || n < 0)) continue;
    const [, , other = 0, total = 0] = counts;
    partitions.push({
      name: rawName.replace(/\*$/, ''),
      isDefault: rawName.endsWith('*'),
      cpus: Math.max(0, total - other),
      maxTimeMs: parseSlurmTime(limit),
    });
  }
  return partitions;
}

/** Slurm's time formats (`M`, `M:S`, `H:M:S`, `D-H`, `D-H:M`, `D-H:M:S`) in ms; undefined for `infinite` and anything else. */
export function parseSlurmTime(text: string): number | undefined {
  const match = /^(?:(\d+)-)?(\d+)(?::(\d+))?(?::(\d+))?$/.exec(text.trim());
  if (match === null) return undefined;
  const [, days, first = '0', second, third] = match;
  let seconds: number;
  if (days !== undefined) {
    // D-H, D-H:M, D-H:M:S
    seconds = Number(days) * 86_400 + Number(first) * 3600 + Number(second ?? 0) * 60 + Number(third ?? 0);
  } else if (third !== undefined) {
    seconds = Number(first) * 3600 + Number(second) * 60 + Number(third);
  } else if (second !== undefined) {
    seconds = Number(first) * 60 + Number(second);
  } else {
    seconds = Number(first) * 60;
  }
  return seconds * 1000;
}

/**
 * The CPUs and time limit that a job sent to `partition` (a comma-separated list; undefined: the
 * default partition) can count on: CPUs summed over the partitions named, the tightest time limit.
 */
export function capacityFor(partitions: readonly PartitionCapacity[], partition: string | undefined): { cpus: number; maxTimeMs: number | undefined } | undefined {
  const names = partition?.split(',').map((name) => name.trim()).filter((name) => name !== '');
  let chosen = names === undefined || names.length === 0
    ? partitions.filter((entry) => entry.isDefault)
    : partitions.filter((entry) => names.includes(entry.name));
  if (chosen.length === 0 && names === undefined) chosen = [...partitions];
  if (chosen.length === 0) return undefined;
  const limits = chosen.map((entry) => entry.maxTimeMs).filter((ms): ms is number => ms !== undefined);
  return { cpus: chosen.reduce((sum, entry) => sum + entry.cpus, 0), maxTimeMs: limits.length === 0 ? undefined : Math.min(...limits) };
}
