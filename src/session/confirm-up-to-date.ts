// The no-op run's short cut: under the run lock, a snapshot left by the last run that found
// every task up to date (state/freshness/up-to-date-snapshot.ts) is checked against the files, one stat
// each. Nothing is planned or signed, and the state database is not opened.

import { debugLog } from '../process/debug-log.ts';
import { acquireRunLock } from '../state/lock/run-lock.ts';
import { confirmSnapshot } from '../state/freshness/up-to-date-snapshot.ts';
import type { RunSummary } from '../schedule/run-events.ts';
import type { UnchangedFiles } from '../state/freshness/unchanged-files.ts';

export interface ConfirmRequest {
  /** The folder whose `.sluice/` holds the lock. */
  readonly root: string;
  /** `snapshotPathOf(root, pipeline file)`. */
  readonly file: string;
  /** `digestPlanInputs` of this run. */
  readonly key: string;
  /** Shown to a second sluice refused by the lock. */
  readonly command: string;
}

/** What the snapshot confirmed, for the full check when it could not confirm every task. */
export interface Confirmation {
  /** Every task is up to date: the run's summary. */
  readonly summary?: RunSummary;
  /** Only files changed: which (the survey takes the tasks none of whose files did as up to date). */
  readonly unchanged?: UnchangedFiles;
}

/** The summary of a run with every task up to date, or what the full check may take of the snapshot. */
export function confirmUpToDate(request: ConfirmRequest): Confirmation {
  const startedAt = Date.now();
  const lock = acquireRunLock(request.root, { command: request.command });
  try {
    // A lock taken over from a killed run: that run may have left work to recover.
    if (lock.note !== undefined) {
      process.stderr.write(`sluice: ${lock.note}\n`);
      return {};
    }
    const confirmed = confirmSnapshot(request.file, request.key);
    if ('why' in confirmed) {
      debugLog('up-to-date', `checking every task: ${confirmed.why}`);
      return { unchanged: confirmed.unchanged };
    }
    const tasks = confirmed.tasks;
    debugLog('up-to-date', `the snapshot of the last run confirms all ${tasks} tasks`);
    const summary: RunSummary = {
      total: tasks,
      counts: { pending: 0, 'up to date': tasks, running: 0, retrying: 0, succeeded: 0, failed: 0, cancelled: 0, 'not run': 0 },
      startedAt,
      endedAt: Date.now(),
      interrupted: false,
      failures: [],
    };
    return { summary };
  } finally {
    lock.release();
  }
}
