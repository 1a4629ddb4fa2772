import type { AttemptOutcome } from '../executor.ts';
import { isSettled, moveAttempt } from './attempt-state.ts';
import { cancelAttempt, requestCancel } from './cancel-attempt.ts';
import { schedulePoll, settleFromMarkers } from './poll-jobs.ts';
import { settleAttempt } from './settle-attempt.ts';
import type { JobWatcherOptions, WatchedAttempt, WatcherContext } from './watcher-context.ts';

export type { JobWatcherOptions, WatchedAttempt } from './watcher-context.ts';

export interface JobWatcher {
  track(init: Pick<WatchedAttempt, 'task' | 'attempt' | 'key' | 'taskFile' | 'markerFile'> & { resolve: (outcome: AttemptOutcome) => void }): WatchedAttempt;
  /** sbatch is running for the attempt. */
  submitting(attempt: WatchedAttempt): void;
  /** The attempt's job is in the queue: watch it. */
  watch(attempt: WatchedAttempt, jobId: string, output: string, submittedAt: number): void;
  /** The attempt could not be submitted. */
  fail(attempt: WatchedAttempt, reason: string): void;
  /** sbatch refused the attempt for now (a submit limit): it waits to go out again, unless it was cancelled meanwhile. */
  unsubmit(attempt: WatchedAttempt): void;
  /** Attempts whose jobs are in the queue or running. */
  inFlight(): number;
  /** Idempotent. */
  cancel(attempt: WatchedAttempt): void;
  /** Polls soon (something waits for news of the attempts). */
  poke(): void;
  /** Settles now the attempts whose markers say how they ended; asks Slurm nothing. */
  readMarkers(): void;
  /** Cancels every attempt not yet ended and waits for their outcomes. */
  close(): Promise<void>;
}

/**
 * Watches submitted jobs with one squeue call per polling cycle for all of them (sacct for jobs
 * gone from squeue, where accounting exists), reads the markers the nodes write, and settles
 * each attempt once the evidence is in. Each attempt moves through the states of
 * attempt-state.ts; poll-jobs.ts polls, cancel-attempt.ts cancels, settle-attempt.ts settles.
 */
export function createJobWatcher(options: JobWatcherOptions): JobWatcher {
  const watcher: WatcherContext = {
    options,
    resolvers: new Map(),
    watched: new Set(),
    toCancel: [],
    ended: [],
    interval: options.pollMinMs,
    timer: undefined,
    polling: false,
    stopped: false,
  };
  return {
    track(init) {
      let resolve!: (outcome: AttemptOutcome) => void;
      const outcome = new Promise<AttemptOutcome>((done) => (resolve = done));
      const { task, attempt: number, key, taskFile, markerFile } = init;
      const attempt: WatchedAttempt = { task, attempt: number, key, taskFile, markerFile, state: 'waiting', outcome };
      watcher.resolvers.set(attempt, (result) => {
        resolve(result);
        init.resolve(result);
      });
      return attempt;
    },
    submitting(attempt) {
      moveAttempt(attempt, 'submitting');
    },
    watch(attempt, jobId, output, submittedAt) {
      attempt.jobId = jobId;
      attempt.output = output;
      attempt.submittedAt = submittedAt;
      if (isSettled(attempt)) return;
      moveAttempt(attempt, 'submitted');
      watcher.watched.add(attempt);
      if (attempt.cancelRequestedAt !== undefined) requestCancel(watcher, attempt);
      schedulePoll(watcher, true);
    },
    fail(attempt, reason) {
      settleAttempt(watcher, attempt, { done: true, status: 'failed', exitCode: null, signal: null, reason, fromMarker: false });
    },
    unsubmit(attempt) {
      if (attempt.state !== 'submitting') return;
      if (attempt.cancelRequestedAt === undefined) moveAttempt(attempt, 'waiting');
      else settleAttempt(watcher, attempt, { done: true, status: 'cancelled', exitCode: null, signal: null, fromMarker: false });
    },
    inFlight: () => watcher.watched.size,
    cancel: (attempt) => cancelAttempt(watcher, attempt),
    poke: () => schedulePoll(watcher, true),
    readMarkers: () => settleFromMarkers(watcher),
    async close() {
      for (const attempt of [...watcher.resolvers.keys()]) cancelAttempt(watcher, attempt);
      const deadline = Date.now() + options.limits.cancelGraceMs + 5000;
      while (watcher.watched.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      watcher.stopped = true;
      clearTimeout(watcher.timer);
      if (watcher.ended.length > 0) options.onEnded(watcher.ended);
      watcher.ended = [];
    },
  };
}
