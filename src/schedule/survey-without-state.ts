// The survey of a folder where nothing ran yet (no state database): no task has a recorded
// success, so every task runs, and saying why needs no hashing. A dry run there writes nothing
// (no `.sluice/` is made) and, without `--explain`, stats no file: a million-task dry run stays
// a plan.

import type { Task } from '../kernel/task.ts';
import { findMissingOutput, statOutputs } from '../state/freshness/check-up-to-date.ts';
import { makeTaskKey } from '../state/freshness/task-key.ts';
import type { Survey, Verdict } from './up-to-date-gate.ts';

export interface StatelessSurveyOptions {
  /** Steps named by `--force` (or every step, `--force-all`). */
  readonly forcedSteps?: ReadonlySet<string> | undefined;
  /** Tell a missing output from an existing one (a stat per output), as the full survey does. */
  readonly statOutputs: boolean;
}

/** The verdicts the state's survey would give with no success recorded: none up to date. */
export function surveyWithoutState(tasks: readonly Task[], options: StatelessSurveyOptions): Survey {
  const verdicts = new Map<number, Verdict>();
  for (let i = 0; i < tasks.length; i += 1) {
    const task = tasks[i] as Task;
    verdicts.set(task.id, judgeWithoutState(task, options));
  }
  return { upToDate: new Set(), verdicts };
}

// In the order the gate judges: no outputs, forced, an output missing, then (with no record) never run.
function judgeWithoutState(task: Task, options: StatelessSurveyOptions): Verdict {
  if (task.outputs.length === 0) return { key: String(task.id), upToDate: false, reason: 'no outputs' };
  const key = makeTaskKey(task);
  if (options.forcedSteps?.has(task.step) === true) return { key, upToDate: false, reason: 'forced' };
  const missing = options.statOutputs ? findMissingOutput(task, statOutputs(task), undefined) : undefined;
  if (missing !== undefined) return { key, upToDate: false, reason: 'output missing', path: missing };
  return { key, upToDate: false, reason: 'never run' };
}
