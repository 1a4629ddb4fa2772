import fs from 'node:fs';
import type { PlanError } from '../errors.ts';
import { findSettledPlanError } from '../plan/unplanned-readers.ts';
import { formatPlan } from '../report/format-plan.ts';
import { formatWaiting } from '../report/format-waiting.ts';
import { deferBehindFolders } from '../session/defer-behind-folders.ts';
import type { PlannedRun } from '../session/run-request.ts';
import { surveyPlan } from '../session/survey-plan.ts';
import { surveyWithoutState } from '../schedule/survey-without-state.ts';
import { stateDbPathOf } from '../state/store/state-dir.ts';

/**
 * `--dry-run` of `map` and `run` alike: each task that would run with its command, with
 * `--explain` why, and a last line counting them, on standard output. Returns the exit status.
 */
export async function printDryRun(
  plan: PlannedRun,
  options: {
    readonly explain: boolean;
    readonly waiting?: ReadonlyMap<string, readonly string[]> | undefined;
    /** Waiting steps the folders on disk could not plan (plan/unplanned-readers.ts). */
    readonly unplanned?: ReadonlyMap<string, PlanError> | undefined;
  },
): Promise<number> {
  // Where nothing ran yet, nothing is up to date: the state is neither made nor consulted.
  const survey = fs.existsSync(stateDbPathOf(plan.root))
    ? await surveyPlan(plan)
    : surveyWithoutState(plan.tasks, { forcedSteps: plan.forcedSteps, statOutputs: options.explain });
  // Tasks reading a folder output that this run makes again are planned after it: left out.
  const kept = plan.folderLinks === undefined ? plan.tasks : deferBehindFolders(plan.tasks, plan.dependencies ?? new Map(), plan.folderLinks, survey.upToDate).tasks;
  await writeChunked(formatPlan(kept, survey, options));
  // Folders all up to date, a step they still cannot plan is the error the run would end on.
  const unplanned = findSettledPlanError({ tasks: plan.tasks, waiting: options.waiting, unplanned: options.unplanned }, (task) => survey.upToDate.has(task.id));
  if (unplanned !== undefined) {
    process.stderr.write(`sluice: ${unplanned.message}\n`);
    return 2;
  }
  if (options.waiting !== undefined) process.stdout.write(formatWaiting({ tasks: plan.tasks, waiting: options.waiting }, survey.upToDate));
  return 0;
}

// In pieces, waiting for a slow reader: a million-task plan would otherwise queue whole in memory.
async function writeChunked(text: string): Promise<void> {
  const size = 1 << 20;
  for (let start = 0; start < text.length; start += size) {
    if (!process.stdout.write(text.slice(start, start + size))) await new Promise((resolve) => process.stdout.once('drain', resolve));
  }
}
