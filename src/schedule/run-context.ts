import { EnvironmentError } from '../errors.ts';
import type { AheadLimit, Executor } from '../execute/executor.ts';
import { invertDependencies } from '../kernel/invert-dependencies.ts';
import type { Task } from '../kernel/task.ts';
import { pickFirstFit, type PickNext } from './pick-next.ts';
import type { RunListener, RunSummary, TaskFailure } from './run-events.ts';
import type { ScheduleOptions } from './run-tasks.ts';
import { moveTask, type TaskRecord, type TaskState } from './task-state.ts';

/** What one call of runTasks knows while it runs: the tasks, their states, the slots. */
export interface RunContext {
  readonly tasks: readonly Task[];
  readonly executor: Executor;
  readonly options: ScheduleOptions;
  readonly listeners: readonly RunListener[];
  readonly startedAt: number;
  readonly byId: ReadonlyMap<number, Task>;
  readonly records: ReadonlyMap<number, TaskRecord>;
  /** Task id → how many of the tasks it needs have not succeeded (or been found up to date). */
  readonly waitingOn: Map<number, number>;
  /** Task id → ids of the tasks that need it. */
  readonly dependents: ReadonlyMap<number, number[]>;
  /** Tasks that may start, in order; those before `head` are taken. */
  readonly ready: Task[];
  head: number;
  /** Slots no task holds. */
  free: number;
  /** Tasks handed to the executor (held ahead, running or committing) whose attempt has not ended. */
  running: number;
  retryTimers: Map<number, NodeJS.Timeout>;
  /** No task starts any more. */
  stopping: boolean;
  interrupted: boolean;
  finished: boolean;
  fault: EnvironmentError | undefined;
  readonly failures: TaskFailure[];
  /**
   * The tasks in state `held ahead`, oldest first: a free slot goes to the oldest. Kept by moveTo.
   * They hold no slot until the executor says they started, which it does in place of a task
   * that ended (whose slot passes to them), or once released when a slot is free.
   */
  readonly heldAhead: Set<number>;
  /** Of those, the ones submitted: the function that releases each, once the executor gave it. */
  readonly releases: Map<number, (() => void) | undefined>;
  /** Decisions asked ahead for ready tasks, by task id (decide-ahead.ts); taken at start. */
  readonly decisions: Map<number, boolean | Promise<boolean>>;
  aheadQueued: boolean;
  readonly pick: PickNext;
  /** Slots a task holds while it runs. */
  readonly slotsOf: (task: Task) => number;
  /** Slots a task needs to be held ahead: 1 if the executor can hold it, else none will do. */
  readonly aheadSlotsOf: (task: Task) => number;
  /**
   * How many tasks may be held ahead: the executor's limit for the kinds of task the run has, or
   * 0 when no task of the run is one it can hold, so a busy run does not scan the ready queue for one.
   */
  readonly aheadLimit: number;
  readonly resolve: (summary: RunSummary) => void;
  // Hooks set by runTasks, so that the files that call them need not import each other.
  /** Starts what can start; ends the run once nothing runs or can start (pump-tasks.ts). */
  pump: () => void;
  /** Cancels the running tasks and starts no new one (abort-run.ts). */
  abort: () => void;
}

/** The tasks and their dependencies as a run starts: the up-to-date ones marked, the first ready ones queued. */
export function createRunContext(
  tasks: readonly Task[],
  executor: Executor,
  options: ScheduleOptions,
  listeners: readonly RunListener[],
  resolve: (summary: RunSummary) => void,
): RunContext {
  const startedAt = Date.now();
  // Indexed loops and forEach, no pair arrays: a no-op run sets up 10,000 tasks here, in code
  // V8 has not optimized yet (see state/hashes/hash-cache.ts).
  const byId = new Map<number, Task>();
  const records = new Map<number, TaskRecord>();
  for (let i = 0; i < tasks.length; i += 1) {
    const task = tasks[i] as Task;
    byId.set(task.id, task);
    records.set(task.id, { state: 'pending', since: startedAt, attempts: 0 });
  }
  const waitingOn = new Map<number, number>();
  options.dependencies?.forEach((needs, id) => waitingOn.set(id, needs.length));
  const dependents = options.dependencies === undefined ? new Map<number, number[]>() : invertDependencies(options.dependencies);
  options.upToDate?.forEach((id) => {
    const record = records.get(id);
    if (record === undefined || record.state !== 'pending') return;
    moveTask(record, 'up to date');
    for (const dependent of dependents.get(id) ?? []) waitingOn.set(dependent, (waitingOn.get(dependent) ?? 1) - 1);
  });
  const ready: Task[] = tasks.filter(
    (task) => records.get(task.id)?.state === 'pending' && (waitingOn.get(task.id) ?? 0) === 0,
  );
  const slotsOf = (task: Task): number => Math.min(Math.max(1, task.resources.cpus), options.jobs);
  const ahead = executor.ahead;
  const aheadSlotsOf = (task: Task): number => (slotsOf(task) === 1 && ahead?.accepts(task) === true ? 1 : Infinity);
  const noHook = (): void => {};
  return {
    tasks, executor, options, listeners, startedAt, byId, records, waitingOn, dependents, ready,
    head: 0,
    free: options.jobs,
    running: 0,
    retryTimers: new Map(),
    stopping: false,
    interrupted: false,
    finished: false,
    fault: undefined,
    failures: [],
    heldAhead: new Set(),
    releases: new Map(),
    decisions: new Map(),
    aheadQueued: false,
    pick: options.pickNext ?? pickFirstFit,
    slotsOf,
    aheadSlotsOf,
    aheadLimit: ahead === undefined ? 0 : findAheadLimit(tasks, ahead, aheadSlotsOf),
    resolve,
    pump: noHook,
    abort: noHook,
  };
}

// The largest limit of the kinds of task the run has that the executor can hold.
function findAheadLimit(tasks: readonly Task[], ahead: AheadLimit, aheadSlotsOf: (task: Task) => number): number {
  let limit = 0;
  for (let i = 0; i < tasks.length && limit < ahead.limit; i += 1) {
    const task = tasks[i] as Task;
    if (aheadSlotsOf(task) === 1) limit = Math.max(limit, ahead.limitOf?.(task) ?? ahead.limit);
  }
  return limit;
}

/** Moves a task (task-state.ts) and keeps the index of the tasks held ahead. */
export function moveTo(run: RunContext, id: number, to: TaskState): TaskRecord {
  const record = run.records.get(id) as TaskRecord;
  const wasHeld = record.state === 'held ahead';
  moveTask(record, to);
  if (wasHeld) run.heldAhead.delete(id);
  if (to === 'held ahead') run.heldAhead.add(id);
  return record;
}

export function emit<K extends keyof RunListener>(
  run: RunContext,
  event: K,
  ...args: Parameters<NonNullable<RunListener[K]>>
): void {
  for (const listener of run.listeners) {
    try {
      (listener[event] as ((...a: unknown[]) => void) | undefined)?.apply(listener, args);
    } catch (error) {
      // A listener that could not write (the attempts, on a full disk) stops the run as a
      // task the machine failed does; anything else is a bug and goes on up.
      if (!(error instanceof EnvironmentError)) throw error;
      run.fault ??= error;
      stopRun(run);
    }
  }
}

// No task starts any more: those handed over ahead, which have not started, are called back.
export function stopRun(run: RunContext): void {
  run.stopping = true;
  run.heldAhead.forEach((id) => run.executor.cancel(id));
  run.executor.stopStarting?.();
}
