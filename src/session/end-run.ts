import type { RunSummary } from '../schedule/run-events.ts';
import { pruneRuns } from '../state/journal/prune-runs.ts';
import type { Journal } from '../state/journal/journal.ts';
import type { Session } from './open-session.ts';

export interface EndedRun {
  readonly runId: string;
  /** Where the run's end is written. */
  readonly journal: Journal;
  readonly summary: RunSummary;
}

/** Records how a run ended and prunes old runs' logs (the snapshot: leave-snapshot.ts). */
export function endRun(session: Session, run: EndedRun): void {
  const { store, logLimits } = session;
  const { summary, runId } = run;
  run.journal.finishRun(summary.interrupted ? 'interrupted' : summary.failures.length > 0 ? 'failed' : 'succeeded');
  pruneRuns(store, { keep: logLimits.runs, keepBytes: logLimits.totalBytes, currentRunId: runId });
}
