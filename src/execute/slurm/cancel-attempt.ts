import fs from 'node:fs';
import { debugLog } from '../../process/debug-log.ts';
import { isSettled, moveAttempt } from './attempt-state.ts';
import { schedulePoll } from './poll-jobs.ts';
import { settleAttempt } from './settle-attempt.ts';
import { cancelPathOf } from './task-files.ts';
import type { WatchedAttempt, WatcherContext } from './watcher-context.ts';

/**
 * Ends an attempt as cancelled: at once if it was never sent, by scancel of its job once it has
 * one (an attempt being submitted is cancelled when sbatch answers). Idempotent.
 */
export function cancelAttempt(watcher: WatcherContext, attempt: WatchedAttempt): void {
  if (isSettled(attempt) || attempt.cancelRequestedAt !== undefined) return;
  attempt.cancelRequestedAt = Date.now();
  if (attempt.state === 'waiting') {
    settleAttempt(watcher, attempt, { done: true, status: 'cancelled', exitCode: null, signal: null, fromMarker: false });
    return;
  }
  if (attempt.state === 'submitted') requestCancel(watcher, attempt);
}

/**
 * Asks scancel for the attempt's job at the next poll, which comes soon; a task of a packed
 * element whose pack-mates go on is cancelled alone, by its cancel file (the node skips or stops it).
 */
export function requestCancel(watcher: WatcherContext, attempt: WatchedAttempt): void {
  if (attempt.state !== 'submitted' || attempt.jobId === undefined) return;
  if (packMatesGoOn(attempt)) {
    try {
      fs.writeFileSync(cancelPathOf(attempt.taskFile), '');
      moveAttempt(attempt, 'cancelling');
      schedulePoll(watcher, true);
      return;
    } catch (error) {
      debugLog('slurm', `could not write the cancel file of task ${attempt.task.id}, cancelling its job: ${(error as Error).message}`);
    }
  }
  // The job ends for every task it runs: those not yet done end cancelled too.
  for (const other of watcher.watched) {
    if (other.jobId !== attempt.jobId) continue;
    other.cancelRequestedAt ??= Date.now();
    if (other.state === 'submitted') moveAttempt(other, 'cancelling');
  }
  if (attempt.state === 'submitted') moveAttempt(attempt, 'cancelling');
  watcher.toCancel.push(attempt.jobId);
  schedulePoll(watcher, true);
}

// Pack-mates still to run in the attempt's element that no one asked to cancel.
function packMatesGoOn(attempt: WatchedAttempt): boolean {
  return (attempt.packMates ?? []).some(
    (mate) => mate !== attempt && !isSettled(mate) && mate.cancelRequestedAt === undefined && (mate.jobId === undefined || mate.jobId === attempt.jobId),
  );
}
