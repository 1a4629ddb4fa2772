// The pool's side of the processes its threads start (spawn-ledger.ts): a thread ends those of
// each job before it answers, but a thread the pool terminates (a timeout, a cancel, close) or
// that crashed cannot, so the pool ends them, and kills them if sluice exits before that.
import { endSpawnedProcesses, killSpawnedProcessesNow } from '../process/end-spawned-processes.ts';
import type { SpawnedProcesses } from '../process/find-spawned.ts';
import { ticksSinceBoot } from '../process/list-processes.ts';
import { countSpawns, createSpawnLedger, readLedgerPids, spawnTag } from '../process/spawn-ledger.ts';

/** What a pool thread gets in its `workerData`, beside what the pool's user gives. */
export interface ThreadData {
  /** Claims of jobs waiting behind the running one (claim-job.ts). */
  readonly claim: Int32Array;
  /** The processes it started (spawn-ledger.ts). */
  readonly spawns: Int32Array;
  /** When it started, in clock ticks since boot: no older process is its. */
  readonly sinceTicks: number;
  /** SIGTERM → SIGKILL grace for the processes a job left running. */
  readonly killGraceMs: number;
}

export interface ThreadProcesses {
  readonly data: Omit<ThreadData, 'claim'>;
  /** Set once the thread has an id. */
  tag: string | undefined;
}

// Threads of every pool whose processes may still run, until they were ended: a sluice that
// exits first (a second Ctrl-C) kills them as it exits.
const owners = new Set<ThreadProcesses>();
const killAll = (): void => {
  for (const processes of owners) killThreadProcessesNow(processes);
};

/** For a thread about to start; endThreadProcesses once it has stopped. */
export function createThreadProcesses(killGraceMs: number): ThreadProcesses {
  const processes: ThreadProcesses = { data: { spawns: createSpawnLedger(), sinceTicks: ticksSinceBoot(), killGraceMs }, tag: undefined };
  if (owners.size === 0) process.on('exit', killAll);
  owners.add(processes);
  return processes;
}

function release(processes: ThreadProcesses): void {
  if (owners.delete(processes) && owners.size === 0) process.off('exit', killAll);
}

export function nameThread(processes: ThreadProcesses, threadId: number): void {
  processes.tag = spawnTag(threadId);
}

/** Whether the thread has started a process (or was about to). */
export function hasSpawned(processes: ThreadProcesses): boolean {
  return countSpawns(processes.data.spawns) > 0;
}

function targetOf(processes: ThreadProcesses): SpawnedProcesses | undefined {
  if (processes.tag === undefined || countSpawns(processes.data.spawns) === 0) return undefined;
  return { tag: processes.tag, pids: readLedgerPids(processes.data.spawns), sinceTicks: processes.data.sinceTicks };
}

/**
 * Ends the thread's processes while `stopped` (its termination) completes, and again once it
 * has: a thread blocked in execSync stops only once its program has ended, and a thread may
 * start a process while it is being stopped.
 */
export async function endThreadProcesses(processes: ThreadProcesses, stopped: Promise<void>): Promise<void> {
  const target = targetOf(processes);
  if (target === undefined) {
    await stopped;
    release(processes);
    return;
  }
  await Promise.all([stopped, endSpawnedProcesses(target, processes.data.killGraceMs)]);
  const after = targetOf(processes);
  if (after !== undefined) await endSpawnedProcesses(after, processes.data.killGraceMs);
  release(processes);
}

/** SIGKILL to the thread's processes now: sluice is exiting. */
function killThreadProcessesNow(processes: ThreadProcesses): void {
  const target = targetOf(processes);
  if (target !== undefined) killSpawnedProcessesNow(target);
}
