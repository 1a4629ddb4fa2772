// A run whose every task the survey found up to date (a full check that changed nothing): the
// listeners hear what runTasks would tell them, without the per-task states, dependency counts
// and ready queue it sets up for 10,000 tasks (~10 ms of a full check) only to find nothing to start.

import { EnvironmentError } from '../errors.ts';
import type { Executor } from '../execute/executor.ts';
import type { Task } from '../kernel/task.ts';
import type { RunListener, RunSummary, SettledTasks } from './run-events.ts';
import type { ScheduleOptions } from './run-tasks.ts';

/** Whether every task is known up to date and nothing asks the run to stop. */
export function isUpToDateRun(tasks: readonly Task[], options: ScheduleOptions): boolean {
  const upToDate = options.upToDate;
  if (upToDate === undefined || upToDate.size < tasks.length || options.signal?.aborted === true) return false;
  for (let i = 0; i < tasks.length; i += 1) if (!upToDate.has((tasks[i] as Task).id)) return false;
  return true;
}

/** The events and summary of runTasks for such a run, in its order. */
export function endUpToDateRun(tasks: readonly Task[], executor: Executor, listeners: readonly RunListener[], settled?: SettledTasks): RunSummary {
  const startedAt = Date.now();
  let fault: EnvironmentError | undefined;
  // As run-context.ts's emit: a listener that could not write stops the run (nothing to stop here).
  const emit = <K extends 'onRunStarted' | 'onRunEnded'>(event: K, ...args: Parameters<NonNullable<RunListener[K]>>): void => {
    for (const listener of listeners) {
      try {
        (listener[event] as ((...a: unknown[]) => void) | undefined)?.apply(listener, args);
      } catch (error) {
        if (!(error instanceof EnvironmentError)) throw error;
        if (fault === undefined) executor.stopStarting?.();
        fault ??= error;
      }
    }
  };
  emit('onRunStarted', tasks, settled);
  const told = listeners.filter((listener) => listener.onTaskUpToDate !== undefined);
  for (let i = 0; i < tasks.length; i += 1) {
    for (let j = 0; j < told.length; j += 1) (told[j] as RunListener).onTaskUpToDate?.(tasks[i] as Task);
  }
  const upToDate = tasks.length + (settled?.count ?? 0);
  const summary: RunSummary = {
    total: upToDate,
    counts: { pending: 0, 'up to date': upToDate, running: 0, retrying: 0, succeeded: 0, failed: 0, cancelled: 0, 'not run': 0 },
    startedAt,
    endedAt: Date.now(),
    interrupted: false,
    failures: [],
    fault,
  };
  emit('onRunEnded', summary);
  return summary;
}
