import type { Envelope } from './claim-job.ts';
import type { Job, PoolContext, Thread } from './pool-context.ts';
import { endThreadProcesses } from './thread-processes.ts';
import { moveThread } from './thread-state.ts';

// How jobs go to threads and come back: posting, taking back, parking, ending a thread.

/** Posts `job` to `thread`: to run now, or (`behind`) to start there when its running job answers. */
export function post<In, Out>(pool: PoolContext<In, Out>, thread: Thread<In, Out>, job: Job<In, Out>, behind: boolean): void {
  job.thread = thread;
  job.claim = behind ? thread.claim.offer(thread.jobs[0]?.claim ?? 0) : 0;
  thread.jobs.push(job);
  thread.worker.ref();
  try {
    thread.worker.postMessage([job.claim, job.message] satisfies Envelope<In>);
  } catch (error) {
    // The message cannot be cloned: the job fails, the thread is untouched.
    if (behind) thread.claim.takeBack(job.claim);
    settle(job);
    if (thread.jobs.length === 0) park(pool, thread);
    job.reject(error);
    return;
  }
  moveThread(thread, behind ? 'busy, one behind' : 'busy');
  if (!behind) started(job);
}

export function started<In, Out>(job: Job<In, Out>): void {
  job.held = false;
  job.onStart?.();
}

// A ready thread running one job, which a job can wait behind.
export function findHost<In, Out>(pool: PoolContext<In, Out>): Thread<In, Out> | undefined {
  for (const thread of pool.threads) if (thread.state === 'busy') return thread;
  return undefined;
}

// The job waiting behind the one `host` runs, if it is held or not as asked and the pool gets
// it back (the thread has not taken it).
export function takeBackWaiting<In, Out>(host: Thread<In, Out>, isHeld: boolean): Job<In, Out> | undefined {
  const job = host.jobs[1];
  if (job === undefined || job.held !== isHeld || host.state !== 'busy, one behind' || !host.claim.takeBack(job.claim)) return undefined;
  host.jobs.pop();
  moveThread(host, 'busy');
  job.thread = undefined;
  job.claim = 0;
  return job;
}

// The job `thread` ran has answered and none waits behind it there (it is idle): its slot
// passes to a held job, which starts on this thread (before the answer reaches the caller, who
// then counts the slot as the held job's). A job with a slot of its own waiting for a thread goes first.
export function passSlot<In, Out>(pool: PoolContext<In, Out>, thread: Thread<In, Out>): void {
  const { queue, held } = pool;
  let job: Job<In, Out> | undefined = queue.length > 0 || pool.closing !== undefined ? undefined : held.shift();
  for (const host of pool.threads) {
    if (job !== undefined || queue.length > 0 || pool.closing !== undefined) break;
    job = takeBackWaiting(host, true);
  }
  if (job === undefined) park(pool, thread);
  else post(pool, thread, job, false);
}

export function requeue<In, Out>(pool: PoolContext<In, Out>, job: Job<In, Out>): void {
  job.thread = undefined;
  job.claim = 0;
  (job.held ? pool.held : pool.queue).unshift(job);
}

// An idle thread waits for a job; idle threads must not keep the process alive.
export function park<In, Out>(pool: PoolContext<In, Out>, thread: Thread<In, Out>): void {
  thread.worker.unref();
  pool.idle.push(thread);
}

/** The job leaves its thread (it answered, failed or was aborted). */
export function settle<In, Out>(job: Job<In, Out>): void {
  job.detach?.();
  const jobs = job.thread?.jobs;
  const at = jobs?.indexOf(job) ?? -1;
  if (at >= 0) jobs?.splice(at, 1);
  job.thread = undefined;
}

// Resolves once the thread has stopped and the processes it started are gone, so nothing it
// ran writes after its job has ended. Idempotent.
export function endThread<In, Out>(thread: Thread<In, Out>): Promise<void> {
  if (thread.state !== 'ending' && thread.state !== 'dead') moveThread(thread, 'ending');
  const stopped = thread.worker.terminate().then(
    () => undefined,
    () => undefined,
  );
  return endThreadProcesses(thread.processes, stopped);
}
