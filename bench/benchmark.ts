// What a benchmark is, for bench/run.ts: a name, one line of description, and a run function
// that prints its own tables.

export interface BenchmarkOptions {
  /** Rounds of alternating runs; every contender runs once per round. */
  readonly rounds: number;
  /** Benchmark-specific settings from `--set key=value`, e.g. tasks=2000. */
  readonly settings: ReadonlyMap<string, string>;
  /** `--against REF`: sluice's rows are run a second time, alternately, by the CLI built at REF. */
  readonly against?: string;
}

export interface Benchmark {
  readonly name: string;
  readonly description: string;
  run(options: BenchmarkOptions): Promise<void>;
}

/** Reads a positive integer setting, with the boundary's one wording for bad values. */
export function readCount(options: BenchmarkOptions, key: string, fallback: number): number {
  const raw = options.settings.get(key);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`Expected \`${key}\` to be a positive integer, got \`${raw}\``);
  }
  return value;
}
