import type { RunSummary } from '../schedule/run-events.ts';
import { takeSnapshot, writeSnapshot } from '../state/freshness/up-to-date-snapshot.ts';
import { pruneRuns } from '../state/journal/prune-runs.ts';
import type { Journal } from '../state/journal/journal.ts';
import type { Session } from './open-session.ts';
import type { PlannedRun } from './run-request.ts';
import type { SurveyedRun } from './survey-run.ts';

export interface EndedRun {
  readonly runId: string;
  /** Where the run's end is written. */
  readonly journal: Journal;
  readonly summary: RunSummary;
  /** No backend was made: every task was up to date. */
  readonly idle: boolean;
  /** Temporary outputs the janitor deleted at the end. */
  readonly swept: number;
}

/**
 * Records how a run ended, prunes old runs' logs, and leaves a snapshot for the next run to
 * confirm when this one found every task up to date and changed nothing on disk.
 */
export function endRun(session: Session, plan: PlannedRun, surveyed: SurveyedRun, run: EndedRun): void {
  const { store, cleanup, logLimits } = session;
  const { summary, runId } = run;
  run.journal.finishRun(summary.interrupted ? 'interrupted' : summary.failures.length > 0 ? 'failed' : 'succeeded');
  pruneRuns(store, { keep: logLimits.runs, keepBytes: logLimits.totalBytes, currentRunId: runId });
  // Only a run that changed nothing on disk: what it listed and stat'ed is still what is there.
  const unchanged = run.idle && !summary.interrupted && cleanup.recovered + cleanup.removed + run.swept === 0;
  if (plan.snapshot !== undefined && surveyed.observed !== undefined && unchanged) {
    const snapshot = takeSnapshot(plan.snapshot, plan.tasks, surveyed.observed);
    if (snapshot !== undefined) writeSnapshot(plan.snapshot.file, snapshot);
  }
}
