import { debugLog } from '../../process/debug-log.ts';
import { moveAttempt } from './attempt-state.ts';
import { wasNeverStarted } from './find-unstarted.ts';
import { judgeAttempt, type Evidence } from './judge-attempt.ts';
import { applyReports, jobsOf, needsState, readMarkers } from './read-job-evidence.ts';
import { settleAttempt } from './settle-attempt.ts';
import type { WatchedAttempt, WatcherContext } from './watcher-context.ts';

/** Polls after the current interval, or (`soon`) in a moment, with the interval back at its least. */
export function schedulePoll(watcher: WatcherContext, soon: boolean): void {
  const { options } = watcher;
  if (soon) watcher.interval = options.pollMinMs;
  if (watcher.polling || watcher.stopped) return;
  if (watcher.timer !== undefined && !soon) return;
  clearTimeout(watcher.timer);
  watcher.timer = setTimeout(() => void pollJobs(watcher), soon ? Math.min(watcher.interval, 50) : watcher.interval);
}

/**
 * Reads the markers now and settles the attempts they decide, without asking Slurm: while probes
 * run, their ends are seen at once, and squeue keeps its back-off.
 */
export function settleFromMarkers(watcher: WatcherContext): void {
  if (watcher.watched.size === 0 || watcher.stopped) return;
  const now = Date.now();
  readMarkers(watcher.watched, now);
  let changed = false;
  for (const attempt of [...watcher.watched]) {
    if (attempt.marker === undefined || needsState(attempt)) continue;
    const verdict = judgeAttempt(attempt, watcher.options.limits, now);
    if (!verdict.done) continue;
    changed = true;
    settleAttempt(watcher, attempt, verdict);
  }
  if (changed && !watcher.polling && watcher.ended.length > 0) {
    watcher.options.onEnded(watcher.ended);
    watcher.ended = [];
  }
}

/**
 * One polling cycle: sends the cancels asked for, reads the markers, asks squeue (and sacct for
 * jobs gone from squeue) about the attempts a marker does not settle, and settles each attempt
 * whose evidence is in. A failed query is no news.
 */
async function pollJobs(watcher: WatcherContext): Promise<void> {
  const { options, watched } = watcher;
  watcher.timer = undefined;
  if (watched.size === 0) return;
  watcher.polling = true;
  const now = Date.now();
  let changed = false;
  try {
    if (watcher.toCancel.length > 0) {
      const ids = watcher.toCancel;
      watcher.toCancel = [];
      if (!(await options.client.cancel(ids))) watcher.toCancel.push(...ids);
    }
    readMarkers(watched, now);
    const asking = [...watched].filter(needsState);
    if (asking.length > 0) {
      const reports = await options.client.queue(jobsOf(asking));
      if (reports !== undefined) {
        const unseen = applyReports(asking, reports, now);
        if (unseen.length > 0) {
          const accounted = await options.client.accounting(jobsOf(unseen));
          const still = accounted === undefined ? unseen : applyReports(unseen, accounted, now);
          for (const attempt of still) attempt.missingSince ??= now;
        }
      }
    }
    for (const attempt of [...watched]) {
      const verdict = judgeAttempt(evidenceOf(attempt), options.limits, Date.now());
      if (verdict.done) {
        changed = true;
        settleAttempt(watcher, attempt, verdict);
      } else if (verdict.requeue === true) {
        changed = true;
        requeueAttempt(watcher, attempt);
      }
    }
  } catch (error) {
    debugLog('slurm', `polling failed: ${(error as Error).message}`);
  } finally {
    watcher.polling = false;
    if (watcher.ended.length > 0) {
      options.onEnded(watcher.ended);
      watcher.ended = [];
    }
    watcher.interval = changed ? options.pollMinMs : Math.min(options.pollMaxMs, Math.round(watcher.interval * 1.5));
    if (watched.size > 0 && !watcher.stopped) {
      watcher.timer = setTimeout(() => void pollJobs(watcher), watcher.toCancel.length > 0 ? options.pollMinMs : watcher.interval);
    }
  }
}

// The attempt as judge-attempt.ts weighs it; whether its element stopped before its turn is
// looked at only once its job ended without its marker.
function evidenceOf(attempt: WatchedAttempt): Evidence {
  if (attempt.endedWithoutMarkerSince === undefined || attempt.packMates === undefined) return attempt;
  return { ...attempt, notStarted: wasNeverStarted(attempt) };
}

// Its element ended before the attempt started: it waits again, to go out in a new job.
function requeueAttempt(watcher: WatcherContext, attempt: WatchedAttempt): void {
  watcher.watched.delete(attempt);
  if (attempt.jobId !== undefined) watcher.ended.push({ key: attempt.key, job: attempt.jobId });
  debugLog('slurm', `task ${attempt.task.id} (${attempt.task.step}): job ${attempt.jobId} ended before the task started; sending it again`);
  attempt.requeues = (attempt.requeues ?? 0) + 1;
  for (const field of ['jobId', 'output', 'submittedAt', 'report', 'endedWithoutMarkerSince', 'missingSince', 'packMates'] as const) attempt[field] = undefined;
  moveAttempt(attempt, 'waiting');
  watcher.options.onRequeue?.(attempt);
}
