import { isSettled, moveAttempt } from './attempt-state.ts';
import { buildOutcome } from './build-outcome.ts';
import type { Verdict } from './judge-attempt.ts';
import { removeShelters, type TaskFileShape } from './shelter-outputs.ts';
import { readJsonFile } from './task-files.ts';
import type { WatchedAttempt, WatcherContext } from './watcher-context.ts';

/** The attempt is judged: it is no longer watched, and its outcome goes to the scheduler once built. */
export function settleAttempt(watcher: WatcherContext, attempt: WatchedAttempt, verdict: Verdict & { done: true }): void {
  if (isSettled(attempt)) return;
  moveAttempt(attempt, 'ending');
  watcher.watched.delete(attempt);
  watcher.options.onSettled?.(attempt);
  if (attempt.jobId !== undefined) watcher.ended.push({ key: attempt.key, job: attempt.jobId });
  // Cancelled without the node's word: its shelter may be left (the node removes it only once
  // it has ended the task, after the job is reported ended; not at all if it is killed first).
  if (verdict.status === 'cancelled' && !verdict.fromMarker && attempt.jobId !== undefined) {
    removeShelters(readJsonFile<TaskFileShape>(attempt.taskFile));
  }
  void buildOutcome(attempt, verdict, watcher.options).then((outcome) => {
    moveAttempt(attempt, 'ended');
    watcher.resolvers.get(attempt)?.(outcome);
    watcher.resolvers.delete(attempt);
  });
}
