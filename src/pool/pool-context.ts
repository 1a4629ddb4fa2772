import type { Worker } from 'node:worker_threads';
import type { Claim } from './claim-job.ts';
import type { PoolAbortError } from './pool-errors.ts';
import type { ThreadProcesses } from './thread-processes.ts';
import type { ThreadState } from './thread-state.ts';
import type { WorkerPoolOptions } from './worker-pool.ts';

export interface Job<In, Out> {
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

export interface Thread<In, Out> {
  readonly worker: Worker;
  /** Moved by moveThread (thread-state.ts) only. */
  state: ThreadState;
  /** Jobs posted to it and not answered: the one it runs, then at most one waiting behind it. */
  readonly jobs: Job<In, Out>[];
  /** Decides, between the thread and the pool, whether the job waiting behind starts there. */
  readonly claim: Claim;
  /** The uncaught error that is ending the thread, reported with its exit. */
  crash: unknown;
  /** The processes it started, ended with it. */
  readonly processes: ThreadProcesses;
}

/** What one worker pool knows: its threads and the jobs that wait for one. */
export interface PoolContext<In, Out> {
  readonly options: WorkerPoolOptions;
  readonly threads: Set<Thread<In, Out>>;
  /** Threads in state `idle`, the last parked on top. */
  readonly idle: Thread<In, Out>[];
  /** Jobs waiting for a thread, each with a slot of its own. */
  readonly queue: Job<In, Out>[];
  /** Jobs held ahead (`ahead`) that wait for a job to answer and found no busy thread to wait on. */
  readonly held: Job<In, Out>[];
  /** Set once close() was called. */
  closing: Promise<void> | undefined;
  /** Hands waiting jobs to threads, starting threads as needed (dispatch-jobs.ts); set by createWorkerPool. */
  dispatch: () => void;
}
