// What a worker thread tells its pool about the processes it started, in memory they share: the
// pool reads it after it terminated the thread (a timeout, a cancel), when the thread can no
// longer say anything. Layout: [spawns ever started, spawns of the current job, the last pid the
// system gave before the job's first spawn (0: none yet), pid, pid, ...].

/** The variable, in a started process's environment, that names the threads that started it. */
export const SPAWNED_BY = 'SLUICE_SPAWNED_BY';

/** Pids kept per job; beyond that the tag in the environment still finds them. */
const PID_SLOTS = 64;

/** A thread's tag: its processes, and theirs, carry it in SLUICE_SPAWNED_BY. */
export function spawnTag(threadId: number): string {
  return `${process.pid}:${threadId}`;
}

/** SLUICE_SPAWNED_BY with `tag` added (a sluice run by a task keeps the outer run's tag). */
export function addTag(value: string | undefined, tag: string): string {
  if (value === undefined || value === '') return tag;
  return value.split(' ').includes(tag) ? value : `${value} ${tag}`;
}

export function createSpawnLedger(): Int32Array {
  return new Int32Array(new SharedArrayBuffer((3 + PID_SLOTS) * Int32Array.BYTES_PER_ELEMENT));
}

/** How many processes the thread has started, or was about to start, since it began. */
export function countSpawns(ledger: Int32Array): number {
  return Atomics.load(ledger, 0);
}

/**
 * On the thread, before it starts a process: counted first, so a thread ended mid-spawn is
 * looked at. `lastPid` tells the last pid given so far, asked for at the job's first spawn only.
 */
export function noteSpawning(ledger: Int32Array, lastPid: () => number | undefined): void {
  Atomics.add(ledger, 0, 1);
  if (Atomics.load(ledger, 2) === 0) Atomics.store(ledger, 2, lastPid() ?? 0);
}

/** On the thread, once the process has a pid. */
export function recordSpawn(ledger: Int32Array, pid: number): void {
  const at = Atomics.load(ledger, 1);
  Atomics.store(ledger, 3 + (at % PID_SLOTS), pid);
  Atomics.store(ledger, 1, at + 1);
}

/** On the thread, as a job starts: the pids of the jobs before it are forgotten. */
export function startLedgerJob(ledger: Int32Array): void {
  Atomics.store(ledger, 1, 0);
  Atomics.store(ledger, 2, 0);
}

/** The last pid given before the current job's first spawn; undefined if unknown. */
export function readLedgerSincePid(ledger: Int32Array): number | undefined {
  const pid = Atomics.load(ledger, 2);
  return pid > 0 ? pid : undefined;
}

/** The pids the current job started (the last PID_SLOTS of them). */
export function readLedgerPids(ledger: Int32Array): number[] {
  const count = Math.min(Atomics.load(ledger, 1), PID_SLOTS);
  const pids: number[] = [];
  for (let at = 0; at < count; at++) pids.push(Atomics.load(ledger, 3 + at));
  return pids;
}
