import type { Worker } from 'node:worker_threads';
import { BackendError } from '../errors.ts';
import { createClaim, type Claim, type Envelope } from './claim-job.ts';
import { PoolAbortError } from './pool-errors.ts';
import { startWorker } from './start-worker.ts';
import { DEFAULT_KILL_GRACE_MS } from '../process/track-termination.ts';
import { createThreadProcesses, endThreadProcesses, hasSpawned, nameThread, type ThreadProcesses } from './thread-processes.ts';

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

interface Job<In, Out> {
  readonly message: In;
  readonly resolve: (answer: Out) => void;
  readonly reject: (error: unknown) => void;
  readonly onStart?: (() => void) | undefined;
  /** Run with `ahead`, neither started nor released: it may start only in place of a job that answered. */
  held: boolean;
  thread?: Thread<In, Out> | undefined;
  /** Its claim number if it was offered to a thread behind another job (claim-job.ts); else 0. */
  claim: number;
  /** Aborted while its thread was taking it: it ends when the job before it has answered. */
  abortedWith?: PoolAbortError;
  detach?: () => void;
}

interface Thread<In, Out> {
  readonly worker: Worker;
  /** It has loaded its module and takes jobs. */
  ready: boolean;
  /** Jobs posted to it and not answered: the one it runs, then at most one waiting behind it. */
  readonly jobs: Job<In, Out>[];
  /** Decides, between the thread and the pool, whether the job waiting behind starts there. */
  readonly claim: Claim;
  /** The uncaught error that is ending the thread, reported with its exit. */
  crash: unknown;
  /** Terminated on purpose: whoever ended it settles the job it ran. */
  ending: boolean;
  /** The processes it started, ended with it. */
  readonly processes: ThreadProcesses;
}

export function createWorkerPool<In, Out>(options: WorkerPoolOptions): WorkerPool<In, Out> {
  const threads = new Set<Thread<In, Out>>();
  const idle: Thread<In, Out>[] = [];
  /** Jobs waiting for a thread, each with a slot of its own. */
  const queue: Job<In, Out>[] = [];
  /** Jobs held ahead (`ahead`) that wait for a job to answer and found no busy thread to wait on. */
  const held: Job<In, Out>[] = [];
  /** Threads started and not yet ready. */
  let starting = 0;
  let closing: Promise<void> | undefined;

  function run(message: In, runOptions: RunOptions = {}): Promise<Out> {
    const { signal, onStart, ahead = false } = runOptions;
    if (closing !== undefined) return Promise.reject(new PoolAbortError('The worker pool is closed'));
    if (signal?.aborted === true) return Promise.reject(abortError(signal));
    return new Promise<Out>((resolve, reject) => {
      const job: Job<In, Out> = { message, resolve, reject, onStart, held: ahead, claim: 0 };
      if (signal !== undefined) {
        const onAbort = (): void => abortJob(job, abortError(signal));
        signal.addEventListener('abort', onAbort, { once: true });
        job.detach = () => signal.removeEventListener('abort', onAbort);
      }
      (ahead ? held : queue).push(job);
      if (ahead) runOptions.onHeld?.(() => release(job));
      dispatch();
    });
  }

  function dispatch(): void {
    if (closing !== undefined) return;
    while (queue.length > 0) {
      const thread = idle.pop();
      if (thread !== undefined) {
        post(thread, queue.shift() as Job<In, Out>, false);
        continue;
      }
      // Start threads for the jobs that no starting thread will take.
      if (starting >= queue.length || threads.size >= options.size) break;
      spawn();
    }
    // A held job waits behind a busy thread's job, to start there when that job answers. It never
    // starts on an idle thread by itself: that would run one job more than the caller has slots.
    while (held.length > 0) {
      const host = findHost();
      if (host === undefined) break;
      post(host, held.shift() as Job<In, Out>, true);
    }
    // A released job that waits behind a busy thread moves to an idle one, if it has not started.
    for (const host of threads) {
      if (idle.length === 0) break;
      const job = takeBackWaiting(host, false);
      if (job !== undefined) post(idle.pop() as Thread<In, Out>, job, false);
    }
  }

  // The caller found a slot for a held job: it starts on the first free thread.
  function release(job: Job<In, Out>): void {
    if (!job.held) return;
    job.held = false;
    const at = held.indexOf(job);
    if (at >= 0) {
      held.splice(at, 1);
      queue.push(job);
    }
    dispatch();
  }

  // A ready thread running one job, which a job can wait behind.
  function findHost(): Thread<In, Out> | undefined {
    for (const thread of threads) if (thread.ready && !thread.ending && thread.jobs.length === 1) return thread;
    return undefined;
  }

  // The job waiting behind the one `host` runs, if it is held or not as asked and the pool gets
  // it back (the thread has not taken it).
  function takeBackWaiting(host: Thread<In, Out>, isHeld: boolean): Job<In, Out> | undefined {
    const job = host.jobs[1];
    if (job === undefined || job.held !== isHeld || host.ending || !host.claim.takeBack(job.claim)) return undefined;
    host.jobs.pop();
    job.thread = undefined;
    job.claim = 0;
    return job;
  }

  // The job `thread` ran has answered and none waits behind it there: its slot passes to a held
  // job, which starts on this thread (before the answer reaches the caller, who then counts the
  // slot as the held job's). A job with a slot of its own waiting for a thread goes first.
  function passSlot(thread: Thread<In, Out>): void {
    let job: Job<In, Out> | undefined = queue.length > 0 || closing !== undefined ? undefined : held.shift();
    for (const host of threads) {
      if (job !== undefined || queue.length > 0 || closing !== undefined) break;
      job = takeBackWaiting(host, true);
    }
    if (job === undefined) park(thread);
    else post(thread, job, false);
  }

  function post(thread: Thread<In, Out>, job: Job<In, Out>, behind: boolean): void {
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
      if (thread.jobs.length === 0) park(thread);
      job.reject(error);
      return;
    }
    if (!behind) started(job);
  }

  function started(job: Job<In, Out>): void {
    job.held = false;
    job.onStart?.();
  }

  function spawn(): void {
    const claim = createClaim();
    const processes = createThreadProcesses(options.killGraceMs ?? DEFAULT_KILL_GRACE_MS);
    const thread: Thread<In, Out> = {
      worker: startWorker(options.entry, claim.shared, { ...options.workerData, ...processes.data }),
      ready: false,
      jobs: [],
      claim,
      crash: undefined,
      ending: false,
      processes,
    };
    nameThread(processes, thread.worker.threadId);
    threads.add(thread);
    starting++;
    thread.worker.on('message', (answer: Out) => {
      // A thread being terminated answers for no job: the one it ran is settled already.
      if (thread.ending) return;
      if (!thread.ready) {
        thread.ready = true;
        starting--;
        park(thread);
      } else {
        const job = thread.jobs[0];
        if (job === undefined) return;
        settle(job);
        answered(thread);
        job.resolve(answer);
      }
      dispatch();
    });
    thread.worker.on('messageerror', (error: Error) => {
      const job = thread.jobs[0];
      if (job === undefined || thread.ending) return;
      settle(job);
      answered(thread);
      job.reject(error);
      dispatch();
    });
    thread.worker.on('error', (error: Error) => {
      thread.crash = error;
    });
    thread.worker.on('exit', (code: number) => exited(thread, code));
  }

  // The thread's running job has answered: the one that waited behind it (if the thread took it
  // and the pool did not take it back) is running now, in that job's slot.
  function answered(thread: Thread<In, Out>): void {
    const next = thread.jobs[0];
    if (next === undefined) {
      passSlot(thread);
      return;
    }
    const aborted = next.abortedWith;
    if (aborted === undefined) {
      started(next);
      return;
    }
    settle(next);
    void endThread(thread).then(() => next.reject(aborted));
  }

  function exited(thread: Thread<In, Out>, code: number): void {
    threads.delete(thread);
    // Not terminated by the pool (it crashed, or left): the processes it started end now.
    const ended = thread.ending ? undefined : endThreadProcesses(thread.processes, Promise.resolve());
    const at = idle.indexOf(thread);
    if (at >= 0) idle.splice(at, 1);
    if (!thread.ready) starting--;
    const crash = thread.crash ?? new BackendError(`A worker thread exited with code ${code} while running a job`);
    const jobs = thread.jobs.splice(0);
    if (thread.ending) {
      // Terminated on purpose: whoever ended it settled the job it ran. A job that waited behind
      // that one did not run there, or was cut off as it started: it starts again on another thread.
      for (const job of jobs.reverse()) requeue(job);
    } else if (thread.ready) {
      const [running, ...waiting] = jobs;
      for (const job of waiting.reverse()) requeue(job);
      if (running !== undefined) {
        settle(running);
        // Reported once the processes it started are gone.
        if (hasSpawned(thread.processes)) void ended?.then(() => running.reject(crash));
        else running.reject(crash);
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

  function requeue(job: Job<In, Out>): void {
    job.thread = undefined;
    job.claim = 0;
    (job.held ? held : queue).unshift(job);
  }

  // Idle threads must not keep the process alive.
  function park(thread: Thread<In, Out>): void {
    thread.worker.unref();
    idle.push(thread);
  }

  function settle(job: Job<In, Out>): void {
    job.detach?.();
    const jobs = job.thread?.jobs;
    const at = jobs?.indexOf(job) ?? -1;
    if (at >= 0) jobs?.splice(at, 1);
    job.thread = undefined;
  }

  function abortJob(job: Job<In, Out>, error: PoolAbortError): void {
    const waiting = job.held ? held : queue;
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

  // Resolves once the thread has stopped and the processes it started are gone, so nothing it
  // ran writes after its job has ended.
  function endThread(thread: Thread<In, Out>): Promise<void> {
    thread.ending = true;
    const stopped = thread.worker.terminate().then(
      () => undefined,
      () => undefined,
    );
    return endThreadProcesses(thread.processes, stopped);
  }

  function close(): Promise<void> {
    closing ??= (async () => {
      const error = new PoolAbortError('The worker pool was closed');
      for (const job of [...queue.splice(0), ...held.splice(0)]) {
        settle(job);
        job.reject(error);
      }
      await Promise.all(
        [...threads].map((thread) => {
          const jobs = [...thread.jobs];
          for (const job of jobs) settle(job);
          return endThread(thread).then(() => {
            for (const job of jobs) job.reject(error);
          });
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
