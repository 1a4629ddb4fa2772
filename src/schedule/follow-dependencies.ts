import type { Task } from '../kernel/task.ts';
import { emit, moveTo, type RunContext } from './run-context.ts';

/** A task succeeded or is up to date: the tasks waiting on nothing else become ready. */
export function readyDependents(run: RunContext, id: number): void {
  for (const dependent of run.dependents.get(id) ?? []) {
    const left = (run.waitingOn.get(dependent) ?? 1) - 1;
    run.waitingOn.set(dependent, left);
    if (left === 0 && run.records.get(dependent)?.state === 'pending') run.ready.push(run.byId.get(dependent) as Task);
  }
}

/** A task failed: every task that needs it, directly or not, will not run. */
export function skipDependents(run: RunContext, id: number): void {
  for (const dependent of run.dependents.get(id) ?? []) {
    if (run.records.get(dependent)?.state !== 'pending') continue;
    moveTo(run, dependent, 'not run');
    emit(run, 'onTaskSkipped', run.byId.get(dependent) as Task);
    skipDependents(run, dependent);
  }
}
