// What a worker thread tells its pool about the processes it started, in memory they share: the
// pool reads it after it terminated the thread (a timeout, a cancel), when the thread can no
// longer say anything. Layout: [spawns ever started, spawns of the current job, pid, pid, ...].

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
  return new Int32Array(new SharedArrayBuffer((2 + PID_SLOTS) * Int32Array.BYTES_PER_ELEMENT));
}

/** How many processes the thread has started, or was about to start, since it began. */
export function countSpawns(ledger: Int32Array): number {
  return Atomics.load(ledger, 0);
}

/** On the thread, before it starts a process: counted first, so a thread ended mid-spawn is looked at. */
export function noteSpawning(ledger: Int32Array): void {
  Atomics.add(ledger, 0, 1);
}

/** On the thread, once the process has a pid. */
export function recordSpawn(ledger: Int32Array, pid: number): void {
  const at = Atomics.load(ledger, 1);
  Atomics.store(ledger, 2 + (at % PID_SLOTS), pid);
  Atomics.store(ledger, 1, at + 1);
}

/** On the thread, as a job starts: the pids of the jobs before it are forgotten. */
export function startLedgerJob(ledger: Int32Array): void {
  Atomics.store(ledger, 1, 0);
}

/** The pids the current job started (the last PID_SLOTS of them). */
export function readLedgerPids(ledger: Int32Array): number[] {
  const count = Math.min(Atomics.load(ledger, 1), PID_SLOTS);
  const pids: number[] = [];
  for (let at = 0; at < count; at++) pids.push(Atomics.load(ledger, 2 + at));
  return pids;
}
