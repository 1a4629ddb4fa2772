// Finds the processes a worker thread started, directly or not: they carry its tag in their
// environment (SLUICE_SPAWNED_BY, given to every process the thread starts), or are the pids it
// recorded, or descend from one of those (by parent, or as a member of a group or session that
// one of them leads), which finds a child that called setsid while its parent is alive, or that
// dropped the tag from its environment.
import { listProcesses, readEnvironment, readLastPid, readProcess, type ProcessEntry } from './list-processes.ts';
import { SPAWNED_BY } from './spawn-ledger.ts';

/** Pids the system may give while the processes are listed. */
const PIDS_GIVEN_MEANWHILE = 4;

export interface SpawnedProcesses {
  /** The thread's tag (spawn-ledger.ts). */
  readonly tag: string;
  /** Pids the thread recorded; only those still children of this process count. */
  readonly pids: readonly number[];
  /** No process started before this (clock ticks since boot) can carry the tag. */
  readonly sinceTicks: number;
  /**
   * The last pid given before the first process was started: the processes to find have the
   * pids given since, unless pids wrapped around (then every process is looked at). Only for a
   * short while: pids may wrap around all the way.
   */
  readonly sincePid?: number | undefined;
}

/**
 * The living processes of `target`, by pid. `known` (pid → start ticks) are processes found
 * before that still count while they are the same processes: an orphan's parent may be gone
 * since. Without /proc: the recorded pids. Never this process, its ancestors, or a zombie.
 */
export function findSpawned(target: SpawnedProcesses, known: ReadonlyMap<number, number> = new Map()): Map<number, ProcessEntry> | undefined {
  const lastPid = target.sincePid === undefined ? undefined : readLastPid();
  // Only the pids given since: this process, its ancestors and older ones are not among them.
  const newer = target.sincePid !== undefined && lastPid !== undefined && lastPid >= target.sincePid;
  const all = listProcesses(newer ? { above: target.sincePid as number, upTo: (lastPid as number) + PIDS_GIVEN_MEANWHILE } : undefined);
  if (all === undefined) return undefined;
  const self = readProcess(process.pid);
  const spared = new Set([process.pid, ...(newer ? [] : ancestorsOf(all))]);
  const alive = all.filter((entry) => entry.state !== 'Z' && entry.state !== 'X' && !spared.has(entry.pid));
  const found = new Map<number, ProcessEntry>();
  for (const entry of alive) {
    const isRecorded = entry.ppid === process.pid && target.pids.includes(entry.pid);
    if (isRecorded || known.get(entry.pid) === entry.startTicks || carriesTag(entry, target)) found.set(entry.pid, entry);
  }
  addDescendants(found, alive, self);
  return found;
}

/** Adds to `found` the processes of `alive` that descend from it, or are members of the groups and sessions it leads (never those of `self`). */
export function addDescendants(found: Map<number, ProcessEntry>, alive: readonly ProcessEntry[], self: ProcessEntry | undefined): void {
  const leaders = (): Set<number> => new Set([...found.keys()].filter((pid) => pid !== self?.pgid && pid !== self?.sid));
  for (let grew = found.size > 0; grew; ) {
    grew = false;
    const leading = leaders();
    for (const entry of alive) {
      if (found.has(entry.pid)) continue;
      if (found.has(entry.ppid) || leading.has(entry.pgid) || leading.has(entry.sid)) {
        found.set(entry.pid, entry);
        grew = true;
      }
    }
  }
}

function carriesTag(entry: ProcessEntry, target: SpawnedProcesses): boolean {
  if (entry.startTicks < target.sinceTicks) return false;
  const value = readEnvironment(entry.pid, SPAWNED_BY);
  return value !== undefined && value.split(' ').includes(target.tag);
}

function ancestorsOf(all: readonly ProcessEntry[]): number[] {
  const parents = new Map(all.map((entry) => [entry.pid, entry.ppid]));
  const ancestors: number[] = [];
  for (let pid = parents.get(process.pid); pid !== undefined && pid > 0 && !ancestors.includes(pid); pid = parents.get(pid)) ancestors.push(pid);
  return ancestors;
}
