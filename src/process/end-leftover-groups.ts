// What a killed run left running: its tasks' process groups, and its launcher helper. The run
// that takes over ends them (SIGKILL: their owner is dead) and waits until they are gone before
// it starts a task, so that no late write of the dead run reaches the new one's outputs.
import { readdirSync, readFileSync } from 'node:fs';
import { COOKIE, findOrphanedSpawns, type Spawner } from './find-orphaned-spawns.ts';
import { readProcess } from './list-processes.ts';

/**
 * A process group, a single process (the python helper), or a sluice whose function steps
 * started processes (they carry its pid in SLUICE_SPAWNED_BY), as a run recorded it.
 */
export interface LeftoverProcess {
  /** `launched`: what carries the dead python helper's SLUICE_COOKIE (`<its pid>:<task id>`). */
  readonly kind: 'group' | 'helper' | 'spawner' | 'launched';
  /** The group's id (its leader's pid), the helper's pid, or the sluice's. */
  readonly pid: number;
  /** The leader's (or helper's) start time in clock ticks since boot; undefined: unknown. */
  readonly start: string | undefined;
}

interface ProcessFacts {
  readonly pid: number;
  readonly zombie: boolean;
  readonly pgid: number;
  readonly start: number;
}

/**
 * Ends what `left` names that still runs and is provably the same process (same start time), and
 * waits until it is gone. The helper gets SIGTERM first: it then ends the descendants it adopted;
 * SIGKILL after half of `timeoutMs`. Returns the pids still running after `timeoutMs` (none,
 * unless a process is stuck in the kernel). Without /proc (not Linux), identity cannot be proven
 * and nothing is signalled.
 */
export async function endLeftoverGroups(left: readonly LeftoverProcess[], timeoutMs = 10_000): Promise<number[]> {
  if (left.length === 0 || isCleanEnd(left)) return [];
  let facts = listProcesses();
  if (facts === undefined) return [];
  const groups = new Map<number, number>(); // pgid -> the leader's start
  const helpers = new Map<number, number>(); // pid -> its start
  const spawners: Spawner[] = [];
  const launchers: Spawner[] = [];
  for (const { kind, pid, start } of left) {
    if (start === undefined || !/^\d+$/.test(start)) continue;
    const ticks = Number(start);
    if (kind === 'spawner') spawners.push({ pid, startTicks: ticks });
    else if (kind === 'launched') launchers.push({ pid, startTicks: ticks });
    else if (kind === 'helper') {
      if (facts.get(pid)?.start === ticks) helpers.set(pid, ticks);
    } else if (isSameGroup(facts, pid, ticks)) groups.set(pid, ticks);
  }
  // pid -> start: found once, followed until gone (its parent, which led to it, may die first).
  const orphans = new Map<number, number>();
  const killOrphans = (): void => {
    if (spawners.length === 0 && launchers.length === 0) return;
    const found = [...(findOrphanedSpawns(spawners)?.values() ?? []), ...(findOrphanedSpawns(launchers, COOKIE)?.values() ?? [])];
    for (const entry of found) {
      orphans.set(entry.pid, entry.startTicks);
      if (entry.pgid === entry.pid) signal(-entry.pid, 'SIGKILL');
      signal(entry.pid, 'SIGKILL');
    }
  };
  signalGroups(groups, 'SIGKILL');
  killOrphans();
  for (const pid of helpers.keys()) signal(pid, 'SIGTERM');
  const started = Date.now();
  let helpersKilled = false;
  for (;;) {
    facts = listProcesses() ?? new Map<number, ProcessFacts>();
    const survivors = findSurvivors(facts, groups, helpers, orphans);
    if (survivors.length === 0 || Date.now() - started > timeoutMs) return survivors;
    // A member that was forking as it got SIGKILL may have left a child behind: kill again.
    signalGroups(groups, 'SIGKILL');
    killOrphans();
    if (!helpersKilled && Date.now() - started > timeoutMs / 2) {
      helpersKilled = true;
      for (const pid of helpers.keys()) if (facts.get(pid)?.start === helpers.get(pid)) signal(pid, 'SIGKILL');
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

// The end of a run whose helper ended every task: the helper (gone now) and this sluice, alive,
// are all that is recorded. Nothing to end, and no need to read every process to know it.
function isCleanEnd(left: readonly LeftoverProcess[]): boolean {
  return left.every(({ kind, pid, start }) => {
    if (kind === 'group' || kind === 'launched') return false;
    const now = readProcess(pid);
    const gone = now === undefined || now.state === 'Z' || now.state === 'X' || String(now.startTicks) !== start;
    return kind === 'helper' ? gone : !gone; // a spawner that is gone may have left processes
  });
}

// The leader is alive with its recorded start time; or it is gone, the group lives on (its id is
// reserved while it has a member) and no member started before the leader did.
function isSameGroup(facts: ReadonlyMap<number, ProcessFacts>, pgid: number, start: number): boolean {
  const leader = facts.get(pgid);
  if (leader !== undefined) return leader.start === start && leader.pgid === pgid;
  let members = 0;
  for (const process of facts.values()) {
    if (process.pgid !== pgid) continue;
    if (process.start < start) return false;
    members += 1;
  }
  return members > 0;
}

function findSurvivors(
  facts: ReadonlyMap<number, ProcessFacts>,
  groups: ReadonlyMap<number, number>,
  helpers: ReadonlyMap<number, number>,
  orphans: ReadonlyMap<number, number>,
): number[] {
  const survivors: number[] = [];
  for (const process of facts.values()) {
    if (process.zombie) continue; // a zombie does nothing; an init that never reaps keeps it
    const groupStart = groups.get(process.pgid);
    if (groupStart !== undefined && process.start >= groupStart) survivors.push(process.pid);
    else if (helpers.get(process.pid) === process.start || orphans.get(process.pid) === process.start) survivors.push(process.pid);
  }
  return survivors;
}

function signalGroups(groups: ReadonlyMap<number, number>, name: NodeJS.Signals): void {
  for (const pgid of groups.keys()) signal(-pgid, name);
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // gone meanwhile, or not ours to signal
  }
}

// Every process's group, state and start time, from /proc; undefined without /proc.
function listProcesses(): Map<number, ProcessFacts> | undefined {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return undefined;
  }
  const facts = new Map<number, ProcessFacts>();
  for (const name of names) {
    if (name.charCodeAt(0) > 57) continue; // not a digit: not a process
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
      // The command name is in parentheses and may hold spaces: fields after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const pid = Number(name);
      if (!Number.isInteger(pid)) continue;
      facts.set(pid, { pid, zombie: fields[0] === 'Z', pgid: Number(fields[2]), start: Number(fields[19]) });
    } catch {
      // exited while we looked
    }
  }
  return facts;
}
