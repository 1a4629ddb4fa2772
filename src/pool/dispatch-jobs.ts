import type { Job, PoolContext, Thread } from './pool-context.ts';
import type { PoolAbortError } from './pool-errors.ts';
import { endThread, findHost, post, settle, takeBackWaiting } from './post-job.ts';
import { spawnThread } from './spawn-thread.ts';
import { moveThread } from './thread-state.ts';

/** Hands waiting jobs to threads, and starts the threads that no starting thread will make. */
export function dispatchJobs<In, Out>(pool: PoolContext<In, Out>): void {
  if (pool.closing !== undefined) return;
  const { queue, held, idle, threads } = pool;
  let starting = 0;
  for (const thread of threads) if (thread.state === 'starting') starting++;
  while (queue.length > 0) {
    const thread = idle.pop();
    if (thread !== undefined) {
      post(pool, thread, queue.shift() as Job<In, Out>, false);
      continue;
    }
    // Start threads for the jobs that no starting thread will take.
    if (starting >= queue.length || threads.size >= pool.options.size) break;
    spawnThread(pool);
    starting++;
  }
  // A held job waits behind a busy thread's job, to start there when that job answers. It never
  // starts on an idle thread by itself: that would run one job more than the caller has slots.
  while (held.length > 0) {
    const host = findHost(pool);
    if (host === undefined) break;
    post(pool, host, held.shift() as Job<In, Out>, true);
  }
  // A released job that waits behind a busy thread moves to an idle one, if it has not started.
  for (const host of threads) {
    if (idle.length === 0) break;
    const job = takeBackWaiting(host, false);
    if (job !== undefined) post(pool, idle.pop() as Thread<In, Out>, job, false);
  }
}

// The caller found a slot for a held job: it starts on the first free thread.
export function releaseJob<In, Out>(pool: PoolContext<In, Out>, job: Job<In, Out>): void {
  if (!job.held) return;
  job.held = false;
  const at = pool.held.indexOf(job);
  if (at >= 0) {
    pool.held.splice(at, 1);
    pool.queue.push(job);
  }
  pool.dispatch();
}

/** Removes a job that has not started, or ends the thread that runs it; the job rejects with `error`. */
export function abortJob<In, Out>(pool: PoolContext<In, Out>, job: Job<In, Out>, error: PoolAbortError): void {
  const waiting = job.held ? pool.held : pool.queue;
  const at = waiting.indexOf(job);
  if (at >= 0) {
    waiting.splice(at, 1);
    settle(job);
    job.reject(error);
    return;
  }
  const thread = job.thread;
  if (thread === undefined) return;
  if (thread.jobs[1] === job) {
    if (thread.claim.takeBack(job.claim)) {
      // Waiting behind another job, not taken by the thread: it never starts.
      settle(job);
      moveThread(thread, 'busy');
      job.reject(error);
    } else {
      // The thread took it, so the job before it has answered: its answer is on the way.
      job.abortedWith = error;
    }
    return;
  }
  settle(job);
  // A job waiting behind it starts again on another thread once this one is gone (exited).
  void endThread(thread).then(() => job.reject(error));
}
