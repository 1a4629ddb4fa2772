// What the function steps of a dead sluice started, and what those started: they carry
// `<its pid>:<thread>` in SLUICE_SPAWNED_BY (spawn-ledger.ts). After a kill -9 of sluice no
// launcher adopted them and no thread is left to end them: the run that takes over its lock does.
import { addDescendants } from './find-spawned.ts';
import { listProcesses, readEnvironment, readProcess, type ProcessEntry } from './list-processes.ts';
import { SPAWNED_BY } from './spawn-ledger.ts';

/**
 * What the python launcher puts in the environment of each task it starts (`<its pid>:<task id>`),
 * which the task's descendants inherit: the same search finds what a dead launcher started.
 */
export const COOKIE = 'SLUICE_COOKIE';

/** A sluice that ran function steps, as it recorded itself: its pid and start (clock ticks since boot). */
export interface Spawner {
  readonly pid: number;
  readonly startTicks: number;
}

/**
 * The living processes of `spawners` that are dead (a spawner still running as itself ends its
 * own), with their descendants, by pid; undefined without /proc. A process counts when its tag
 * names the dead sluice's pid and it started after that sluice did, and before any process that
 * has the pid now. Never this process, its ancestors or its descendants.
 */
export function findOrphanedSpawns(spawners: readonly Spawner[], variable = SPAWNED_BY): Map<number, ProcessEntry> | undefined {
  // Most often the only one is this sluice, at the end of its run: nothing to list then.
  const dead = spawners.filter((spawner) => {
    const now = readProcess(spawner.pid);
    return now === undefined || isGone(now) || now.startTicks !== spawner.startTicks;
  });
  const found = new Map<number, ProcessEntry>();
  if (dead.length === 0) return found;
  const all = listProcesses();
  if (all === undefined) return undefined;
  const byPid = new Map(all.map((entry) => [entry.pid, entry]));
  const spared = relativesOfSelf(all);
  const alive = all.filter((entry) => !isGone(entry) && !spared.has(entry.pid));
  for (const entry of alive) {
    const tags = readEnvironment(entry.pid, variable)?.split(' ');
    if (tags !== undefined && dead.some((spawner) => isStartedBy(entry, tags, spawner, byPid.get(spawner.pid)))) found.set(entry.pid, entry);
  }
  addDescendants(found, alive, readProcess(process.pid));
  return found;
}

function isStartedBy(entry: ProcessEntry, tags: readonly string[], spawner: Spawner, holder: ProcessEntry | undefined): boolean {
  if (entry.startTicks < spawner.startTicks) return false;
  // The pid is another process's now: what started after it may be that one's.
  if (holder !== undefined && !isGone(holder) && entry.startTicks >= holder.startTicks) return false;
  const prefix = `${spawner.pid}:`;
  return tags.some((tag) => tag.startsWith(prefix));
}

function isGone(entry: ProcessEntry): boolean {
  return entry.state === 'Z' || entry.state === 'X';
}

// This process, its ancestors and its descendants: a sluice started from a dead run's task
// inherited its tag, and so did what it starts.
function relativesOfSelf(all: readonly ProcessEntry[]): Set<number> {
  const parents = new Map(all.map((entry) => [entry.pid, entry.ppid]));
  const spared = new Set([process.pid]);
  for (let pid = parents.get(process.pid); pid !== undefined && pid > 0 && !spared.has(pid); pid = parents.get(pid)) spared.add(pid);
  const descendants = new Set([process.pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const entry of all) {
      if (!descendants.has(entry.pid) && descendants.has(entry.ppid)) {
        descendants.add(entry.pid);
        grew = true;
      }
    }
  }
  for (const pid of descendants) spared.add(pid);
  return spared;
}
