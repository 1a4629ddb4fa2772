// A step that reads inside folder outputs (directory()) is planned from what the folders hold,
// so a listed wildcard value that no file inside them gives is no error while a folder may still
// be made: the step waits. Once every task of the steps making those folders is up to date (made
// in this run, or earlier), nothing more will come and the error stands: without it, the step
// would have no tasks and a run, or `sluice status`, would call everything done.

import type { PlanError } from '../errors.ts';
import type { Task } from '../kernel/task.ts';

export interface UnplannedReaders {
  readonly tasks: readonly Task[];
  /** Step → the steps whose folders it waits for. */
  readonly waiting?: ReadonlyMap<string, readonly string[]> | undefined;
  /** Step → why it could not be planned from the folders on disk. */
  readonly unplanned?: ReadonlyMap<string, PlanError> | undefined;
}

/** The first error of a waiting step whose folders are all made and up to date, if any. */
export function findSettledPlanError(plan: UnplannedReaders, upToDate: (task: Task) => boolean): PlanError | undefined {
  if (plan.unplanned === undefined || plan.unplanned.size === 0) return undefined;
  for (const [step, error] of plan.unplanned) {
    const after = plan.waiting?.get(step) ?? [];
    if (plan.tasks.every((task) => !after.includes(task.step) || upToDate(task))) return error;
  }
  return undefined;
}
