import type { Task } from '../kernel/task.ts';
import { takeDecision } from './decide-ahead.ts';
import { crashAttempt, endAttempt } from './end-attempt.ts';
import { readyDependents } from './follow-dependencies.ts';
import { emit, moveTo, type RunContext } from './run-context.ts';
import type { TaskRecord } from './task-state.ts';

// `early`: handed over ahead of a free slot (held ahead); it takes one when the executor starts it.
export function startTask(run: RunContext, task: Task, early: boolean): void {
  const record = run.records.get(task.id) as TaskRecord;
  record.attempts++;
  if (early) moveTo(run, task.id, 'held ahead');
  else {
    moveTo(run, task.id, 'running');
    run.free -= run.slotsOf(task);
  }
  run.running++;
  const decide = run.options.decide;
  if (decide !== undefined && record.attempts === 1) {
    let decision: boolean | Promise<boolean>;
    try {
      decision = takeDecision(run, task, decide);
    } catch (error) {
      decision = Promise.reject(error);
    }
    // Told at once that it must run: submitted now, without a turn through a promise. Any other
    // answer is handled after this pump, as a promise's (skipping pumps again).
    if (decision === true && !run.stopping) return submit(run, task, record);
    Promise.resolve(decision).then(
      (go) => (go && !run.stopping ? submit(run, task, record) : skipUpToDate(run, task, record, go)),
      (error: unknown) => crashAttempt(run, task, error),
    );
  } else submit(run, task, record);
}

// A task held ahead takes a free slot: it no longer waits for a task to end.
export function releaseHeld(run: RunContext, id: number): void {
  const task = run.byId.get(id) as Task;
  const record = moveTo(run, id, 'running');
  run.free -= run.slotsOf(task);
  // Not submitted yet (deciding whether it is up to date): it is submitted as any started task.
  if (!run.releases.has(id)) return;
  const release = run.releases.get(id);
  run.releases.delete(id);
  emit(run, 'onTaskStarted', task, record.attempts);
  release?.();
}

// Found up to date as it was about to start (go false), or the run stopped meanwhile (go true).
function skipUpToDate(run: RunContext, task: Task, record: TaskRecord, go: boolean): void {
  const early = record.state === 'held ahead';
  if (!early) run.free += run.slotsOf(task);
  run.running--;
  if (go) {
    // Stopping: the task will not run after all.
    moveTo(run, task.id, early ? 'not run' : 'cancelled');
  } else {
    moveTo(run, task.id, 'up to date');
    emit(run, 'onTaskUpToDate', task);
    readyDependents(run, task.id);
  }
  run.pump();
}

function submit(run: RunContext, task: Task, record: TaskRecord): void {
  const early = record.state === 'held ahead';
  const attempt = record.attempts;
  if (!early) emit(run, 'onTaskStarted', task, attempt);
  // The program or function has ended: its slot is free while the executor commits the outputs.
  const freeSlot = (): void => {
    if (record.state !== 'running' || record.attempts !== attempt) return;
    moveTo(run, task.id, 'committing');
    run.free += run.slotsOf(task);
    run.pump();
  };
  let onStart: (() => void) | undefined;
  let onHeld: ((release: () => void) => void) | undefined;
  if (early) {
    run.releases.set(task.id, undefined);
    onStart = () => startedHeld(run, task, record);
    // Released before the executor held it: it may start at once.
    onHeld = (release) => {
      if (record.state === 'held ahead' && record.attempts === attempt) run.releases.set(task.id, release);
      else release();
    };
  }
  const submittedAt = Date.now();
  run.executor.submit({ task, attempt, freeSlot, onStart, onHeld }).then(
    (outcome) => endAttempt(run, task, outcome),
    (error: unknown) => crashAttempt(run, task, error, submittedAt),
  );
}

// The executor started a task held ahead, in place of a task that ended: the slot that task
// frees after this (freeSlot, or as it ends) is this one's.
function startedHeld(run: RunContext, task: Task, record: TaskRecord): void {
  if (record.state !== 'held ahead') return;
  run.releases.delete(task.id);
  moveTo(run, task.id, 'running');
  run.free -= run.slotsOf(task);
  emit(run, 'onTaskStarted', task, record.attempts);
}
