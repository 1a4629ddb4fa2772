import { BackendError } from '../errors.ts';
import { DEFAULT_KILL_GRACE_MS } from '../process/track-termination.ts';
import { createClaim } from './claim-job.ts';
import type { Job, PoolContext, Thread } from './pool-context.ts';
import { endThread, park, passSlot, requeue, settle, started } from './post-job.ts';
import { startWorker } from './start-worker.ts';
import { createThreadProcesses, endThreadProcesses, hasSpawned, nameThread } from './thread-processes.ts';
import { moveThread } from './thread-state.ts';

/**
 * A thread that exited by itself while it ran a job, without an uncaught error: the job called
 * `process.exit()`, which in a worker thread ends the thread (the process goes on).
 */
export class ThreadExitError extends BackendError {
  override name = 'ThreadExitError';
  constructor(readonly exitCode: number) {
    super(`A worker thread exited with code ${exitCode} while running a job`);
  }
}

/** Starts one more thread for the pool; it takes jobs once it says it is ready. */
export function spawnThread<In, Out>(pool: PoolContext<In, Out>): void {
  const { options } = pool;
  const claim = createClaim();
  const processes = createThreadProcesses(options.killGraceMs ?? DEFAULT_KILL_GRACE_MS);
  const thread: Thread<In, Out> = {
    worker: startWorker(options.entry, claim.shared, { ...options.workerData, ...processes.data }),
    state: 'starting',
    jobs: [],
    claim,
    crash: undefined,
    processes,
  };
  nameThread(processes, thread.worker.threadId);
  pool.threads.add(thread);
  thread.worker.on('message', (answer: Out) => {
    // A thread being terminated answers for no job: the one it ran is settled already.
    if (thread.state === 'ending') return;
    if (thread.state === 'starting') {
      moveThread(thread, 'idle');
      park(pool, thread);
    } else {
      const job = thread.jobs[0];
      if (job === undefined) return;
      settle(job);
      answered(pool, thread);
      job.resolve(answer);
    }
    pool.dispatch();
  });
  thread.worker.on('messageerror', (error: Error) => {
    const job = thread.jobs[0];
    if (job === undefined || thread.state === 'ending') return;
    settle(job);
    answered(pool, thread);
    job.reject(error);
    pool.dispatch();
  });
  thread.worker.on('error', (error: Error) => {
    thread.crash = error;
  });
  thread.worker.on('exit', (code: number) => exited(pool, thread, code));
}

// The thread's running job has answered: the one that waited behind it (if the thread took it
// and the pool did not take it back) is running now, in that job's slot.
function answered<In, Out>(pool: PoolContext<In, Out>, thread: Thread<In, Out>): void {
  const next = thread.jobs[0];
  if (next === undefined) {
    moveThread(thread, 'idle');
    passSlot(pool, thread);
    return;
  }
  const aborted = next.abortedWith;
  if (aborted === undefined) {
    moveThread(thread, 'busy');
    started(next);
    return;
  }
  settle(next);
  void endThread(thread).then(() => next.reject(aborted));
}

function exited<In, Out>(pool: PoolContext<In, Out>, thread: Thread<In, Out>, code: number): void {
  const was = thread.state;
  moveThread(thread, 'dead');
  pool.threads.delete(thread);
  // Not terminated by the pool (it crashed, or left): the processes it started end now.
  const ended = was === 'ending' ? undefined : endThreadProcesses(thread.processes, Promise.resolve());
  const at = pool.idle.indexOf(thread);
  if (at >= 0) pool.idle.splice(at, 1);
  const crash = thread.crash ?? new ThreadExitError(code);
  const jobs = thread.jobs.splice(0);
  if (was === 'ending') {
    // Terminated on purpose: whoever ended it settled the job it ran. A job that waited behind
    // that one did not run there, or was cut off as it started: it starts again on another thread.
    for (const job of jobs.reverse()) requeueUnlessAborted(pool, job, () => endThread(thread));
  } else if (was !== 'starting') {
    const [running, ...waiting] = jobs;
    for (const job of waiting.reverse()) requeueUnlessAborted(pool, job, () => ended ?? Promise.resolve());
    if (running !== undefined) {
      settle(running);
      // Reported once the processes it started are gone.
      if (hasSpawned(thread.processes)) void ended?.then(() => running.reject(crash));
      else running.reject(crash);
    }
  } else {
    // A thread that dies while starting fails the oldest waiting job, so a thread that cannot
    // start at all is not restarted forever.
    const job = pool.queue.shift();
    if (job !== undefined) {
      settle(job);
      job.reject(new BackendError(`A worker thread could not start: ${describe(crash)}`, { cause: crash }));
    }
  }
  pool.dispatch();
}

// A job aborted while its thread was taking it (dispatch-jobs.ts, abortJob) waited for the job
// before it to answer; its thread is gone instead (that job was aborted too, as an interrupt
// aborts every job, or the thread crashed): it ends now, aborted, rather than wait in the pool
// for a thread that would start a job its caller no longer wants (and, held ahead, for a slot
// that no job frees: it never settled, and a run interrupted then never ended).
// Like any aborted job, it rejects once the processes its thread started are gone (`gone`).
function requeueUnlessAborted<In, Out>(pool: PoolContext<In, Out>, job: Job<In, Out>, gone: () => Promise<void>): void {
  const aborted = job.abortedWith;
  if (aborted === undefined) {
    requeue(pool, job);
    return;
  }
  settle(job);
  void gone().then(() => job.reject(aborted));
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
