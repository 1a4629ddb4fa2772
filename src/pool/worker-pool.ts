import type { Worker } from 'node:worker_threads';
import { BackendError } from '../errors.ts';
import { PoolAbortError } from './pool-errors.ts';
import { startWorker } from './start-worker.ts';

export interface WorkerPoolOptions {
  /** Most threads alive at once. */
  readonly size: number;
  /** Module each thread runs; it says it is ready, then answers every message with one message (serve-jobs.ts). */
  readonly entry: URL;
}

/** A fixed number of worker threads, started on demand, each running one job at a time. */
export interface WorkerPool<In, Out> {
  readonly size: number;
  /**
   * Sends `message` to an idle thread and resolves with its answer. Aborting `signal` removes a
   * queued job, or terminates the thread running it (a new thread replaces it when needed) and
   * rejects with a PoolAbortError once the thread is gone. `onStart` is called when a ready
   * thread takes the job.
   */
  run(message: In, signal?: AbortSignal, onStart?: () => void): Promise<Out>;
  /** Starts every thread now, before the first job (threads otherwise start with the jobs). */
  warm(): void;
  /** Terminates every thread; queued and running jobs reject. Idempotent. */
  close(): Promise<void>;
}

interface Job<In, Out> {
  readonly message: In;
  readonly resolve: (answer: Out) => void;
  readonly reject: (error: unknown) => void;
  readonly onStart?: (() => void) | undefined;
  thread?: Thread<In, Out> | undefined;
  detach?: () => void;
}

interface Thread<In, Out> {
  readonly worker: Worker;
  /** It has loaded its module and takes jobs. */
  ready: boolean;
  job: Job<In, Out> | undefined;
  /** The uncaught error that is ending the thread, reported with its exit. */
  crash: unknown;
  /** Terminated on purpose: whoever ended it settles its job. */
  ending: boolean;
}

export function createWorkerPool<In, Out>(options: WorkerPoolOptions): WorkerPool<In, Out> {
  const threads = new Set<Thread<In, Out>>();
  const idle: Thread<In, Out>[] = [];
  const queue: Job<In, Out>[] = [];
  /** Threads started and not yet ready. */
  let starting = 0;
  let closing: Promise<void> | undefined;

  function run(message: In, signal?: AbortSignal, onStart?: () => void): Promise<Out> {
    if (closing !== undefined) return Promise.reject(new PoolAbortError('The worker pool is closed'));
    if (signal?.aborted === true) return Promise.reject(abortError(signal));
    return new Promise<Out>((resolve, reject) => {
      const job: Job<In, Out> = { message, resolve, reject, onStart };
      if (signal !== undefined) {
        const onAbort = (): void => abortJob(job, abortError(signal));
        signal.addEventListener('abort', onAbort, { once: true });
        job.detach = () => signal.removeEventListener('abort', onAbort);
      }
      queue.push(job);
      dispatch();
    });
  }

  function dispatch(): void {
    while (queue.length > 0 && closing === undefined) {
      const thread = idle.pop();
      if (thread === undefined) {
        // Start threads for the jobs that no starting thread will take.
        if (starting >= queue.length || threads.size >= options.size) return;
        spawn();
        continue;
      }
      const job = queue.shift() as Job<In, Out>;
      thread.job = job;
      job.thread = thread;
      thread.worker.ref();
      try {
        thread.worker.postMessage(job.message);
      } catch (error) {
        // The message cannot be cloned: the job fails, the thread is untouched.
        settle(job);
        park(thread);
        job.reject(error);
        continue;
      }
      job.onStart?.();
    }
  }

  function spawn(): void {
    const thread: Thread<In, Out> = { worker: startWorker(options.entry), ready: false, job: undefined, crash: undefined, ending: false };
    threads.add(thread);
    starting++;
    thread.worker.on('message', (answer: Out) => {
      if (!thread.ready) {
        thread.ready = true;
        starting--;
        park(thread);
      } else {
        const job = thread.job;
        if (job === undefined) return;
        settle(job);
        park(thread);
        job.resolve(answer);
      }
      dispatch();
    });
    thread.worker.on('messageerror', (error: Error) => {
      const job = thread.job;
      if (job === undefined) return;
      settle(job);
      park(thread);
      job.reject(error);
      dispatch();
    });
    thread.worker.on('error', (error: Error) => {
      thread.crash = error;
    });
    thread.worker.on('exit', (code: number) => exited(thread, code));
  }

  function exited(thread: Thread<In, Out>, code: number): void {
    threads.delete(thread);
    const at = idle.indexOf(thread);
    if (at >= 0) idle.splice(at, 1);
    if (!thread.ready) starting--;
    const crash = thread.crash ?? new BackendError(`A worker thread exited with code ${code} while running a job`);
    if (thread.ending) {
      // Terminated on purpose: abortJob or close settles its job.
    } else if (thread.ready) {
      const job = thread.job;
      if (job !== undefined) {
        settle(job);
        job.reject(crash);
      }
    } else {
      // A thread that dies while starting fails the oldest waiting job, so a thread that cannot
      // start at all is not restarted forever.
      const job = queue.shift();
      if (job !== undefined) {
        settle(job);
        job.reject(new BackendError(`A worker thread could not start: ${describe(crash)}`, { cause: crash }));
      }
    }
    dispatch();
  }

  // Idle threads must not keep the process alive.
  function park(thread: Thread<In, Out>): void {
    thread.worker.unref();
    idle.push(thread);
  }

  function settle(job: Job<In, Out>): void {
    job.detach?.();
    if (job.thread !== undefined) job.thread.job = undefined;
    job.thread = undefined;
  }

  function abortJob(job: Job<In, Out>, error: PoolAbortError): void {
    const at = queue.indexOf(job);
    if (at >= 0) {
      queue.splice(at, 1);
      settle(job);
      job.reject(error);
      return;
    }
    const thread = job.thread;
    if (thread === undefined) return;
    settle(job);
    void endThread(thread).then(() => job.reject(error));
  }

  // Resolves once the thread has stopped, so nothing it runs writes after its job has ended.
  function endThread(thread: Thread<In, Out>): Promise<void> {
    thread.ending = true;
    return thread.worker.terminate().then(
      () => undefined,
      () => undefined,
    );
  }

  function close(): Promise<void> {
    closing ??= (async () => {
      const error = new PoolAbortError('The worker pool was closed');
      for (const job of queue.splice(0)) {
        settle(job);
        job.reject(error);
      }
      await Promise.all(
        [...threads].map((thread) => {
          const job = thread.job;
          if (job !== undefined) settle(job);
          return endThread(thread).then(() => job?.reject(error));
        }),
      );
    })();
    return closing;
  }

  function warm(): void {
    while (closing === undefined && threads.size < options.size) spawn();
  }

  return { size: options.size, run, warm, close };
}

function abortError(signal: AbortSignal): PoolAbortError {
  const reason: unknown = signal.reason;
  const detail = reason instanceof Error && reason.name !== 'AbortError' ? `: ${reason.message}` : '';
  return new PoolAbortError(`The work was aborted${detail}`, { cause: reason });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
