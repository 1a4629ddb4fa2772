import type { Task } from '../kernel/task.ts';
import type { TaskUsage } from '../kernel/task-usage.ts';
import type { FileDigest } from '../state/hashes/remembered-hashes.ts';

/** One try at running a task. Attempts count from 1. */
export interface Attempt {
  readonly task: Task;
  readonly attempt: number;
  /**
   * Called by a backend once the task's program or function has succeeded and its cpus are
   * free, before it commits the outputs: the scheduler starts the next task meanwhile (not after
   * a failure: without `--keep-going` no task starts after one). Optional for a backend (the
   * slot is free at the latest when `submit` resolves); calling it again does nothing.
   */
  readonly freeSlot?: (() => void) | undefined;
  /**
   * Set when the scheduler hands the task over ahead of a free slot (`Executor.ahead`): the task
   * holds no slot, so the backend starts it only in place of a task of its own that ends (whose
   * slot it takes over: the backend calls `onStart` before it reports that task's end or frees
   * its slot), or once released (`onHeld`). It calls `onStart` when the task starts. Until then,
   * a cancel ends it as never started.
   */
  readonly onStart?: (() => void) | undefined;
  /**
   * With `onStart`: the backend calls it once, when it holds the task, with the function that
   * releases it: the scheduler has a free slot for it, and it starts as soon as a worker is free.
   */
  readonly onHeld?: ((release: () => void) => void) | undefined;
}

export type AttemptStatus = 'succeeded' | 'failed' | 'timed out' | 'cancelled';

export interface AttemptOutcome {
  readonly status: AttemptStatus;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Why it could not start, or why it failed although the command succeeded. */
  readonly error?: string | undefined;
  /** The argv as a user would run it by hand (final output paths). */
  readonly argv: readonly string[];
  readonly startedAt: number;
  readonly endedAt: number;
  /** Log of standard error; also holds launch errors. Empty when the attempt wrote none. */
  readonly stderrLog: string;
  /** Log of standard output, when it did not go to an output file. */
  readonly stdoutLog?: string | undefined;
  /** Last lines of standard error, for the failure report. */
  readonly stderrTail: readonly string[];
  /** Last lines of each log the step declares (`log`), for the failure report of a failed attempt. */
  readonly logTails?: readonly LogTail[] | undefined;
  /** CPU time and peak memory of the attempt, when the backend measures them (kernel/task-usage.ts). */
  readonly usage?: TaskUsage | undefined;
  /**
   * Handed over ahead of a free slot, it never started (called back, or its launcher was gone
   * before it could start it): nothing ran, whatever slot the scheduler had given it.
   */
  readonly neverStarted?: boolean | undefined;
  /** Timed out by its no-output limit (not its wall clock): that limit. */
  readonly silentMs?: number | undefined;
  /**
   * An output or a log of the attempt whose file system had no space left when it failed: it
   * likely failed for that.
   */
  readonly noSpaceLeft?: NoSpaceLeft | undefined;
  /** The batch job that ran the attempt (Slurm): its id, e.g. `1234_7`, and its output file. */
  readonly job?: { readonly id: string; readonly output: string } | undefined;
}

/** An attempt's output and log on a full file system (at least one is given). */
export interface NoSpaceLeft {
  readonly output?: string | undefined;
  readonly log?: string | undefined;
  /** What that file system ran out of: space, or inodes (no new file can be made there). */
  readonly full: 'space' | 'inodes';
}

/** The end of a log file a step declares, as the report shows it. */
export interface LogTail {
  /** As the task names it: relative to its folder, or absolute. */
  readonly path: string;
  /** Its last lines; null when the attempt left no such file. */
  readonly tail: readonly string[] | null;
}

/** What a backend is, as data, so the scheduler and reports need no `instanceof`. */
export interface ExecutorTraits {
  readonly name: string;
  /** Whether a task's standard output can be printed from `stdoutLog` after it ends. */
  readonly printsStdout: boolean;
  /**
   * Function steps run on worker threads of this sluice process: the threads can boot before the
   * first task is submitted, on the first sign that tasks will run (execute/create-executor.ts).
   */
  readonly runsFunctionsInProcess?: boolean;
  /** Command tasks start through this machine's launcher, which can likewise boot early. */
  readonly launchesCommandsHere?: boolean;
  /**
   * A function task that must run is signed after it ran, with the hashes its thread took of its
   * inputs as it read them (a first run hashes nothing twice). Absent: every task is signed
   * before it is submitted.
   */
  readonly signsFunctionsLate?: boolean;
  /**
   * With every task up to date the backend is not made at all (a no-op run loads neither it nor
   * child_process). Absent: it is made anyway (Slurm: it cancels the jobs of earlier runs that
   * this run did not need).
   */
  readonly idleWhenAllUpToDate?: boolean;
}

export interface AheadLimit {
  /** How many at once, at most. */
  readonly limit: number;
  /** How many at once in a run that has tasks like this one (it accepts); absent: `limit`. */
  readonly limitOf?: ((task: Task) => number) | undefined;
  /** Whether it can hold this one (it holds only tasks of one slot). */
  accepts(task: Task): boolean;
}

export interface Executor {
  readonly traits: ExecutorTraits;
  /**
   * Tasks it can hold ahead of a free slot, each ready to start the moment a running one ends,
   * without a round trip through the scheduler (local: function steps wait on a busy worker
   * thread, commands in the launcher). Absent: none.
   */
  readonly ahead?: AheadLimit | undefined;
  /** Runs one attempt to its end. Never rejects for a task's own failure. */
  submit(attempt: Attempt): Promise<AttemptOutcome>;
  /** Ends a running attempt (it then resolves as 'cancelled'). Idempotent. */
  cancel(taskId: number): void;
  /**
   * The run starts no more tasks (a failure without `--keep-going`): attempts handed over that
   * the backend has not started yet (Slurm: held for a probe, not yet submitted) end as
   * 'cancelled' instead of starting. Optional; idempotent.
   */
  stopStarting?(): void;
  /** Cancels everything still running and releases the backend. */
  shutdown(): Promise<void>;
}

/**
 * A succeeded attempt's outputs, to be recorded before they are renamed into place (the session's
 * success committer, schedule/commit-successes.ts): `paths` where they lie now, `digests` their
 * hashes taken where they were written, `inputDigests` the inputs' as the task read them.
 */
export type CommitSuccess = (
  task: Task,
  attempt: number,
  startedAt: number,
  endedAt: number,
  paths?: readonly string[],
  digests?: readonly (FileDigest | undefined)[],
  inputDigests?: readonly (FileDigest | undefined)[],
) => void | Promise<void>;
