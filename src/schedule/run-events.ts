import type { EnvironmentError } from '../errors.ts';
import type { AttemptOutcome } from '../execute/executor.ts';
import type { Task } from '../kernel/task.ts';
import type { CountedState } from './task-state.ts';

export interface RunSummary {
  readonly total: number;
  readonly counts: Readonly<Record<CountedState, number>>;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly interrupted: boolean;
  /** Final outcomes of tasks that failed, in the order they ended. */
  readonly failures: readonly TaskFailure[];
  /** The machine failed the run (a full disk, a damaged state database): no task started after it. */
  readonly fault?: EnvironmentError | undefined;
}

export interface TaskFailure {
  readonly task: Task;
  readonly attempt: number;
  readonly outcome: AttemptOutcome;
}

/**
 * Tasks of the plan left out of the run as up to date before it started: the last run's snapshot
 * vouched for every file they name and none of the tasks they need runs (narrow-kept-plan.ts).
 * They count in the summary's total and as up to date; no other event names them.
 */
export interface SettledTasks {
  readonly count: number;
  /** Every step of the whole plan, in the order of its first task, with how many of its tasks settled. */
  readonly steps: readonly (readonly [step: string, settled: number])[];
}

/** What progress lines, printers and reports listen to. Every method is optional. */
export interface RunListener {
  /** `settled`: tasks of the plan that are up to date and not among `tasks`. */
  onRunStarted?(tasks: readonly Task[], settled?: SettledTasks): void;
  onTaskStarted?(task: Task, attempt: number): void;
  /** The task's outputs are up to date; it does not run. */
  onTaskUpToDate?(task: Task): void;
  /** `final` is false when a retry follows. */
  onTaskEnded?(task: Task, attempt: number, outcome: AttemptOutcome, final: boolean): void;
  /** Tasks that will not run because the run stopped or something they need failed. */
  onTaskSkipped?(task: Task): void;
  onRunEnded?(summary: RunSummary): void;
}
