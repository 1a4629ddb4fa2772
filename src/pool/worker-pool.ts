import { abortJob, dispatchJobs, releaseJob } from './dispatch-jobs.ts';
import type { Job, PoolContext } from './pool-context.ts';
import { PoolAbortError } from './pool-errors.ts';
import { endThread, settle } from './post-job.ts';
import { spawnThread } from './spawn-thread.ts';

export interface WorkerPoolOptions {
  /** Most threads alive at once. */
  readonly size: number;
  /** Module each thread runs; it says it is ready, then answers every message with one message (serve-jobs.ts). */
  readonly entry: URL;
  /** Each thread's `workerData` (beside the pool's own `claim`). */
  readonly workerData?: Readonly<Record<string, unknown>> | undefined;
  /** SIGTERM → SIGKILL grace for the processes a job started and left running. */
  readonly killGraceMs?: number | undefined;
}

export interface RunOptions {
  /**
   * Aborting it removes a job that has not started, or terminates the thread running it (a new
   * thread replaces it when needed) and rejects with a PoolAbortError once the thread is gone.
   */
  readonly signal?: AbortSignal | undefined;
  /** Called when the job starts: a thread takes it, or the job it waited behind has answered. */
  readonly onStart?: (() => void) | undefined;
  /**
   * The job holds none of the caller's slots yet (every one is taken): it starts only in place of
   * a job that answers, taking over that job's slot, or once released (`onHeld`). Meanwhile,
   * with every thread busy, it waits on a thread behind the job it runs (one at most per thread),
   * so that the thread starts it as soon as it answers instead of after a round trip through this
   * thread's event loop, which on a busy machine is often a wait for a core. A thread whose job
   * answers with none behind it takes such a job back from another thread if it has not started.
   * The caller counts a job as holding its slot until its answer has reached the caller, so every
   * job, held or not, must be one that holds a slot once it starts.
   */
  readonly ahead?: boolean | undefined;
  /**
   * With `ahead`: called at once with the function that releases the job (the caller found it a
   * slot): it then starts on the first free thread, as a job run without `ahead`.
   */
  readonly onHeld?: ((release: () => void) => void) | undefined;
  /**
   * Called at once with the function that aborts the job as aborting `signal` does (rejecting
   * with a PoolAbortError); after the job has settled it does nothing. A caller that runs many
   * short jobs saves an AbortSignal and its listeners per job.
   */
  readonly onAbortable?: ((abort: () => void) => void) | undefined;
}

/** A fixed number of worker threads, started on demand, each running one job at a time. */
export interface WorkerPool<In, Out> {
  readonly size: number;
  /** Sends `message` to a thread and resolves with its answer. */
  run(message: In, options?: RunOptions): Promise<Out>;
  /** Starts every thread now, before the first job (threads otherwise start with the jobs). */
  warm(): void;
  /** Terminates every thread; queued and running jobs reject. Idempotent. */
  close(): Promise<void>;
}

/**
 * A fixed number of worker threads, started on demand, each running one job at a time. Each
 * thread moves through the states of thread-state.ts: spawn-thread.ts starts threads and takes
 * their answers, dispatch-jobs.ts hands them jobs, post-job.ts moves a job to and from a thread.
 */
export function createWorkerPool<In, Out>(options: WorkerPoolOptions): WorkerPool<In, Out> {
  const pool: PoolContext<In, Out> = {
    options,
    threads: new Set(),
    idle: [],
    queue: [],
    held: [],
    closing: undefined,
    dispatch: () => dispatchJobs(pool),
  };

  function run(message: In, runOptions: RunOptions = {}): Promise<Out> {
    const { signal, onStart, ahead = false } = runOptions;
    if (pool.closing !== undefined) return Promise.reject(new PoolAbortError('The worker pool is closed'));
    if (signal?.aborted === true) return Promise.reject(abortError(signal));
    return new Promise<Out>((resolve, reject) => {
      const job: Job<In, Out> = { message, resolve, reject, onStart, held: ahead, claim: 0 };
      if (signal !== undefined) {
        const onAbort = (): void => abortJob(pool, job, abortError(signal));
        signal.addEventListener('abort', onAbort, { once: true });
        job.detach = () => signal.removeEventListener('abort', onAbort);
      }
      runOptions.onAbortable?.(() => abortJob(pool, job, new PoolAbortError('The work was aborted')));
      (ahead ? pool.held : pool.queue).push(job);
      if (ahead) runOptions.onHeld?.(() => releaseJob(pool, job));
      pool.dispatch();
    });
  }

  function close(): Promise<void> {
    pool.closing ??= (async () => {
      const error = new PoolAbortError('The worker pool was closed');
      for (const job of [...pool.queue.splice(0), ...pool.held.splice(0)]) {
        settle(job);
        job.reject(error);
      }
      await Promise.all(
        [...pool.threads].map((thread) => {
          const jobs = [...thread.jobs];
          for (const job of jobs) settle(job);
          return endThread(thread).then(() => {
            for (const job of jobs) job.reject(error);
          });
        }),
      );
    })();
    return pool.closing;
  }

  function warm(): void {
    while (pool.closing === undefined && pool.threads.size < options.size) spawnThread(pool);
  }

  return { size: options.size, run, warm, close };
}

function abortError(signal: AbortSignal): PoolAbortError {
  const reason: unknown = signal.reason;
  const detail = reason instanceof Error && reason.name !== 'AbortError' ? `: ${reason.message}` : '';
  return new PoolAbortError(`The work was aborted${detail}`, { cause: reason });
}
