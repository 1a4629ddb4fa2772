import type { Executor } from '../execute/executor.ts';
import type { Task } from '../kernel/task.ts';
import { abortRun } from './finish-run.ts';
import type { PickNext } from './pick-next.ts';
import { pumpTasks } from './pump-tasks.ts';
import { createRunContext, emit } from './run-context.ts';
import { endUpToDateRun, isUpToDateRun } from './end-up-to-date-run.ts';
import type { RunListener, RunSummary, SettledTasks } from './run-events.ts';

export { defaultRetryDelay } from './end-attempt.ts';

export interface ScheduleOptions {
  /** Slots: the most cpus that running tasks may hold at once. */
  readonly jobs: number;
  /** Keep starting tasks after a failure (default: running ones finish, no new one starts). */
  readonly keepGoing: boolean;
  /** Task id → ids of the tasks it needs. */
  readonly dependencies?: ReadonlyMap<number, readonly number[]>;
  /** Delay before retry number `attempt - 1`. */
  readonly retryDelayMs?: (attempt: number) => number;
  readonly pickNext?: PickNext;
  /** Aborting cancels running tasks and starts no new one (Ctrl-C). */
  readonly signal?: AbortSignal;
  /** Tasks known to be up to date before the run starts (with everything they need). */
  readonly upToDate?: ReadonlySet<number>;
  /** Tasks of the plan left out of `tasks` as up to date: counted in the summary, told to listeners. */
  readonly settled?: SettledTasks | undefined;
  /**
   * Asked once a task's inputs exist, before it starts: false skips it as up to date. Lets a
   * task whose inputs were remade identically stay untouched. Asked ahead of time for the next
   * ready tasks while every slot is taken, so that its work (hashing inputs) is not between a
   * slot freeing and the next task starting. A boolean answers at once (nothing to judge).
   */
  readonly decide?: (task: Task) => boolean | Promise<boolean>;
  /**
   * Told after each pump whether a slot stays free with the run not over (no ready task can take
   * it: what is left waits for tasks that run or commit their outputs).
   */
  readonly onPumped?: (slotsIdle: boolean) => void;
}

/**
 * Runs tasks on an executor within the slot limit, following dependencies; the only DAG driver.
 * Each task moves through the states of task-state.ts: pump-tasks.ts starts tasks,
 * start-task.ts hands them to the executor, end-attempt.ts takes their outcomes.
 */
export function runTasks(
  tasks: readonly Task[],
  executor: Executor,
  options: ScheduleOptions,
  listeners: readonly RunListener[] = [],
): Promise<RunSummary> {
  if (isUpToDateRun(tasks, options)) {
    try {
      return Promise.resolve(endUpToDateRun(tasks, executor, listeners, options.settled));
    } catch (error) {
      return Promise.reject(error);
    }
  }
  return new Promise((resolve) => {
    const run = createRunContext(tasks, executor, options, listeners, resolve);
    run.pump = () => pumpTasks(run);
    run.abort = () => abortRun(run);
    emit(run, 'onRunStarted', tasks, options.settled);
    const toldUpToDate = listeners.filter((listener) => listener.onTaskUpToDate !== undefined);
    options.upToDate?.forEach((id) => {
      if (run.records.get(id)?.state !== 'up to date') return;
      const task = run.byId.get(id) as Task;
      for (let i = 0; i < toldUpToDate.length; i += 1) (toldUpToDate[i] as RunListener).onTaskUpToDate?.(task);
    });
    if (options.signal?.aborted === true) run.abort();
    else options.signal?.addEventListener('abort', run.abort, { once: true });
    run.pump();
  });
}

