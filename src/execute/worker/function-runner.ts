// The contract between the local executor and the worker threads that run function steps.
import type { Task } from '../../kernel/task.ts';
import type { TaskUsage } from '../../kernel/task-usage.ts';
import type { FileDigest } from '../../state/hashes/remembered-hashes.ts';

export type FunctionResult =
  | {
      readonly ok: true;
      /** Index for index with the outputs: the digest of each one asked for in `digest`. */
      readonly digests?: readonly (FileDigest | undefined)[] | undefined;
      /** Index for index with the task's inputs: the digest of each one asked for in `hashInputs`. */
      readonly inputDigests?: readonly (FileDigest | undefined)[] | undefined;
      /** What the worker thread used while the function ran. */
      readonly usage?: TaskUsage | undefined;
    }
  | {
      readonly ok: false;
      /** Why the function failed, starting with the reason (the thrown error's message). */
      readonly message: string;
      /** The thrown error's stack, as the worker thread saw it. */
      readonly stack?: string | undefined;
      readonly timedOut?: boolean | undefined;
      readonly cancelled?: boolean | undefined;
      /** Set when the function called process.exit(), which ended its worker thread. */
      readonly exited?: boolean | undefined;
      /** Set when the function threw (not when its thread was terminated). */
      readonly usage?: TaskUsage | undefined;
    };

export interface FunctionRunnerOptions {
  /** Worker threads, and so the most function tasks running at once. */
  readonly threads: number;
  /** Pipeline files (bundled already) each thread loads as it starts, before its first task. */
  readonly preload?: readonly string[] | undefined;
  /** SIGTERM → SIGKILL grace for the processes a task started and left running. */
  readonly killGraceMs?: number | undefined;
}

export interface FunctionRunOptions {
  /** Cancels the task: it resolves as cancelled, its thread terminated if it had started. */
  readonly signal?: AbortSignal | undefined;
  /**
   * Called at once with the function that cancels the task as aborting `signal` does: the
   * executor's way, with no AbortSignal and listeners made per task.
   */
  readonly onCancellable?: ((cancel: () => void) => void) | undefined;
  /** Indexes of the outputs to hash once the function has returned. */
  readonly digest?: readonly number[] | undefined;
  /** Indexes of the task's inputs to hash just before the function runs. */
  readonly hashInputs?: readonly number[] | undefined;
  /**
   * It holds no slot yet: it starts only in place of a task that ends, or once released
   * (`onHeld`); meanwhile it may wait on a busy thread, behind the task it runs (worker-pool.ts).
   */
  readonly ahead?: boolean | undefined;
  /** With `ahead`: receives the function that lets it start on the first free thread. */
  readonly onHeld?: ((release: () => void) => void) | undefined;
  /** Called when a thread starts the task. */
  readonly onStart?: (() => void) | undefined;
}

export interface FunctionRunner {
  readonly threads: number;
  /**
   * Runs the step function of `task` on a worker thread, writing to `outputs` (staged temporary
   * paths, absolute, index for index with the task's outputs). Never rejects: failures, timeouts
   * (`task.resources.timeoutMs`, counted from the start) and cancels (`signal`) are results; the
   * last two terminate the thread running the function. However it ends, the processes the
   * function started (child_process, streamLines) and theirs are ended before it resolves
   * (pool/serve-jobs.ts, pool/thread-processes.ts). The outputs at the indexes `digest` are
   * hashed on the thread once the function has returned, while they are fresh in the page cache
   * and the main thread is busy with other tasks.
   */
  run(task: Task, outputs: readonly string[], options?: FunctionRunOptions): Promise<FunctionResult>;
  /** Starts the threads now, e.g. while the run checks what is up to date. */
  warm(): void;
  /** Terminates the threads; running tasks resolve as cancelled. */
  close(): Promise<void>;
}

/** One message to a step worker thread. */
export interface StepRequest {
  readonly task: Task;
  readonly outputs: readonly string[];
  /** Indexes of the outputs to hash once the function has returned. */
  readonly digest?: readonly number[] | undefined;
  /**
   * Indexes of the task's inputs to hash just before the function runs: a first run signs its
   * tasks with these, so that their inputs are read once, by the thread that reads them anyway.
   */
  readonly hashInputs?: readonly number[] | undefined;
}
