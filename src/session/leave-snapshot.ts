// The snapshot a plain run leaves for the next one to confirm (state/freshness/up-to-date-snapshot.ts).
// A run that found every task up to date leaves what its survey saw. A run whose tasks all
// succeeded leaves one too, once the tasks that ran are judged again as the next full check
// would judge them (signed, their outputs compared with the successes just recorded): a user who
// edits an input and runs gets the short cut on the run after, not only on the one after that.

import type { Task } from '../kernel/task.ts';
import { findDeletedOutputs, createGateState, judgeTasks, type JudgeOptions } from '../schedule/judge-tasks.ts';
import type { RunSummary } from '../schedule/run-events.ts';
import { encodeSnapshotFor, takeSnapshot, writeSnapshot } from '../state/freshness/up-to-date-snapshot.ts';
import { keepPlan } from '../state/freshness/kept-plan.ts';
import { patchSnapshot } from '../state/freshness/unchanged-files.ts';
import { createHashCache } from '../state/hashes/hash-cache.ts';
import { withDeletedTemporaries } from '../state/journal/deleted-temporaries.ts';
import { debugLog } from '../process/debug-log.ts';
import type { Session } from './open-session.ts';
import type { PlannedRun } from './run-request.ts';
import type { SurveyedRun } from './survey-run.ts';

export interface FinishedRun {
  readonly summary: RunSummary;
  /** The tasks the run was given: fewer than planned when some wait behind folders. */
  readonly tasks: readonly Task[];
  /** Temporary outputs the janitor deleted at the end. */
  readonly swept: number;
}

/**
 * Writes the snapshot `plan.snapshot` asks for when every task of the plan is up to date now:
 * found so by the survey, or (for those that ran) by judging them again. Anything it cannot
 * vouch for leaves none: the next run then checks every task, as it would anyway.
 */
export async function leaveSnapshot(session: Session, plan: PlannedRun, surveyed: SurveyedRun, run: FinishedRun): Promise<void> {
  const request = plan.snapshot;
  const observed = surveyed.observed;
  if (request === undefined || observed === undefined) return;
  const { summary } = run;
  if (summary.interrupted || summary.fault !== undefined || summary.failures.length > 0) return;
  // A run that recovered, removed or deleted files changed what the survey saw.
  if (session.cleanup.recovered + session.cleanup.removed + run.swept !== 0) return;
  if (run.tasks.length !== plan.tasks.length) return;
  if (summary.counts.succeeded + summary.counts['up to date'] !== plan.tasks.length + (plan.narrowed?.settled.count ?? 0)) return;
  const ran = plan.tasks.filter((task) => !surveyed.survey.upToDate.has(task.id));
  if (ran.length > 0) {
    try {
      if (!(await judgeRanTasks(session, plan, surveyed, ran))) return;
    } catch (error) {
      // Judging is only for the short cut: the run itself succeeded.
      debugLog('up-to-date', `no snapshot: ${(error as Error).message}`);
      return;
    }
  }
  // The plan is the one the last snapshot was taken of: that snapshot, its changed files patched.
  const { vouch } = surveyed;
  const unchanged = session.unchanged;
  const snapshot =
    vouch !== undefined && unchanged !== undefined
      ? patchSnapshot(unchanged, vouch, plan.tasks, surveyed.survey.upToDate, observed)
      : takeSnapshot(request, plan.tasks, observed);
  const bytes = snapshot === undefined ? undefined : encodeSnapshotFor(request.file, snapshot);
  if (bytes === undefined) return;
  writeSnapshot(request.file, bytes);
  if (request.keep !== undefined) keepPlan(request.keep.identity, request.keep.plan, bytes);
}

// Whether every task that ran is up to date now, its stamps gathered into `surveyed.observed`
// as the survey gathers those of the others. Not when one read what another made in this run:
// that file is too recent for its hash to be trusted (the racy margin), so it would be read
// again for nothing.
async function judgeRanTasks(session: Session, plan: PlannedRun, surveyed: SurveyedRun, ran: readonly Task[]): Promise<boolean> {
  const ranIds = new Set(ran.map((task) => task.id));
  for (const task of ran) {
    if ((plan.dependencies?.get(task.id) ?? []).some((id) => ranIds.has(id))) {
      debugLog('up-to-date', 'no snapshot: a task read what another made in this run');
      return false;
    }
  }
  const observed = surveyed.observed as NonNullable<SurveyedRun['observed']>;
  const { store } = session;
  // A cache of its own: the run's would warm a backend that has shut down.
  const cache = withDeletedTemporaries(store, createHashCache(store, { hasher: (file, size) => session.hasher.hash(file, size), observe: observed.inputs }));
  const options: JudgeOptions = {
    store,
    cache,
    targets: plan.targets,
    observeOutputs: observed.outputs,
    trustedInputs: observed.inputs,
    observeConfirmed: observed.confirmed,
  };
  const state = createGateState();
  state.deletedByTask = findDeletedOutputs(options, ran);
  const verdicts = await judgeTasks(options, state, ran, true);
  const stale = verdicts.find((verdict) => !verdict.upToDate);
  if (stale !== undefined) debugLog('up-to-date', `no snapshot: task ${stale.key} is not up to date after the run`);
  return stale === undefined;
}
