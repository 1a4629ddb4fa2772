import { EnvironmentError, OutputError } from '../errors.ts';
import type { AttemptOutcome } from '../execute/executor.ts';
import { renderArgv } from '../kernel/render-action.ts';
import type { Task } from '../kernel/task.ts';
import { readyDependents, skipDependents } from './follow-dependencies.ts';
import { emit, moveTo, stopRun, type RunContext } from './run-context.ts';
import type { TaskRecord } from './task-state.ts';

/** Exponential back-off from 100 ms, at most 5 s. */
export function defaultRetryDelay(attempt: number): number {
  return Math.min(5000, 100 * 2 ** Math.max(0, attempt - 2));
}

// A task the backend could not run. A fault of the machine (a full disk) would fail every
// task after it the same way: the run stops, and it ends the run.
export function crashAttempt(run: RunContext, task: Task, error: unknown, startedAt = Date.now()): void {
  if (error instanceof EnvironmentError) {
    run.fault ??= error;
    stopRun(run);
  }
  endAttempt(run, task, internalFailure(task, error, startedAt));
}

/** The executor reported how an attempt ended: the task succeeded, is retried, or failed. */
export function endAttempt(run: RunContext, task: Task, outcome: AttemptOutcome): void {
  const record = run.records.get(task.id) as TaskRecord;
  run.running--;
  run.releases.delete(task.id);
  if (record.state === 'held ahead') {
    // It never started: called back, or it could not be handed over (a failure, as if started).
    if (outcome.status === 'cancelled' || run.interrupted) {
      moveTo(run, task.id, 'not run');
      run.pump();
      return;
    }
    moveTo(run, task.id, 'running');
    emit(run, 'onTaskStarted', task, record.attempts);
  } else if (record.state !== 'committing') run.free += run.slotsOf(task);
  if (outcome.neverStarted === true && record.state === 'running') {
    // Released into a free slot (and announced started), then called back or its launcher gone
    // before it started: nothing ran. Its end is told as a cancel's, as listeners expect one.
    moveTo(run, task.id, 'not run');
    emit(run, 'onTaskEnded', task, record.attempts, outcome, true);
    run.pump();
    return;
  }
  if (outcome.status === 'succeeded') {
    moveTo(run, task.id, 'succeeded');
    emit(run, 'onTaskEnded', task, record.attempts, outcome, true);
    readyDependents(run, task.id);
  } else if (outcome.status === 'cancelled' || run.interrupted) {
    moveTo(run, task.id, 'cancelled');
    emit(run, 'onTaskEnded', task, record.attempts, outcome, true);
  } else if (record.attempts <= task.resources.retries && !run.stopping) {
    moveTo(run, task.id, 'retrying');
    emit(run, 'onTaskEnded', task, record.attempts, outcome, false);
    retryLater(run, task, record.attempts + 1);
  } else failTask(run, task, record, outcome);
  run.pump();
}

function retryLater(run: RunContext, task: Task, attempt: number): void {
  const delay = (run.options.retryDelayMs ?? defaultRetryDelay)(attempt);
  run.retryTimers.set(task.id, setTimeout(() => {
    run.retryTimers.delete(task.id);
    run.ready.splice(run.head, 0, task);
    run.pump();
  }, delay));
}

function failTask(run: RunContext, task: Task, record: TaskRecord, outcome: AttemptOutcome): void {
  moveTo(run, task.id, 'failed');
  run.failures.push({ task, attempt: record.attempts, outcome });
  emit(run, 'onTaskEnded', task, record.attempts, outcome, true);
  skipDependents(run, task.id);
  if (!run.options.keepGoing) stopRun(run);
}

// The report shows what the task was to run, and how long it was out, as for any failure.
function internalFailure(task: Task, error: unknown, startedAt: number): AttemptOutcome {
  return {
    status: 'failed',
    exitCode: null,
    signal: null,
    error: error instanceof OutputError ? error.message : `sluice could not run the task: ${error instanceof Error ? error.message : String(error)}`,
    argv: renderArgv(task.action, task.outputs),
    startedAt,
    endedAt: Date.now(),
    stderrLog: '',
    stderrTail: [],
  };
}
