import fs from 'node:fs';
import path from 'node:path';
import type { Task } from '../../kernel/task.ts';
import { debugLog } from '../../process/debug-log.ts';
import type { AttemptOutcome } from '../executor.ts';
import { buildOutcome } from './build-outcome.ts';
import { isTerminalState, type JobReport } from './job-state.ts';
import { judgeAttempt, type JudgeLimits, type Verdict } from './judge-attempt.ts';
import { splitJobId } from './parse-job-id.ts';
import type { SlurmClient } from './slurm-client.ts';
import type { LedgerEnd } from './job-ledger.ts';
import { readJsonFile, type Marker } from './task-files.ts';

/** One attempt from submit() to its outcome. Mutable: the watcher fills in what it learns. */
export interface WatchedAttempt {
  readonly task: Task;
  readonly attempt: number;
  /** The task's identity across runs, for the job ledger. */
  readonly key: string;
  taskFile: string;
  markerFile: string;
  /** waiting: in a batch; submitting: sbatch is running; submitted: has a job id. */
  phase: 'waiting' | 'submitting' | 'submitted';
  jobId?: string | undefined;
  output?: string | undefined;
  submittedAt?: number | undefined;
  settled: boolean;
  readonly outcome: Promise<AttemptOutcome>;
  marker?: Marker | undefined;
  markerSeenAt?: number | undefined;
  report?: JobReport | undefined;
  cancelRequestedAt?: number | undefined;
  cancelSent?: boolean | undefined;
  endedWithoutMarkerSince?: number | undefined;
  missingSince?: number | undefined;
}

export interface JobWatcherOptions {
  readonly client: SlurmClient;
  readonly commit: (task: Task, attempt: number, startedAt: number, endedAt: number) => void | Promise<void>;
  /** Tasks whose job's outcome was reported (for the ledger). */
  readonly onEnded: (ends: readonly LedgerEnd[]) => void;
  readonly pollMinMs: number;
  readonly pollMaxMs: number;
  readonly limits: JudgeLimits;
  readonly stderrTailLines: number;
}

export interface JobWatcher {
  track(init: Pick<WatchedAttempt, 'task' | 'attempt' | 'key' | 'taskFile' | 'markerFile'> & { resolve: (outcome: AttemptOutcome) => void }): WatchedAttempt;
  /** The attempt's job is in the queue: watch it. */
  watch(attempt: WatchedAttempt, jobId: string, output: string, submittedAt: number): void;
  /** The attempt could not be submitted. */
  fail(attempt: WatchedAttempt, reason: string): void;
  /** Idempotent. */
  cancel(attempt: WatchedAttempt): void;
  /** Cancels every attempt not yet ended and waits for their outcomes. */
  close(): Promise<void>;
}

/**
 * Watches submitted jobs with one squeue call per polling cycle for all of them (sacct for jobs
 * gone from squeue, where accounting exists), reads the markers the nodes write, and settles
 * each attempt once the evidence is in.
 */
export function createJobWatcher(options: JobWatcherOptions): JobWatcher {
  const resolvers = new Map<WatchedAttempt, (outcome: AttemptOutcome) => void>();
  const watched = new Set<WatchedAttempt>();
  let toCancel: string[] = [];
  let ended: LedgerEnd[] = [];
  let interval = options.pollMinMs;
  let timer: NodeJS.Timeout | undefined;
  let polling = false;
  let closed = false;
  /** After close() gave up waiting: no more polling, whatever is left. */
  let stopped = false;

  const schedule = (soon: boolean): void => {
    if (soon) interval = options.pollMinMs;
    if (polling || stopped) return;
    if (timer !== undefined && !soon) return;
    clearTimeout(timer);
    timer = setTimeout(() => void poll(), soon ? Math.min(interval, 50) : interval);
  };

  async function poll(): Promise<void> {
    timer = undefined;
    if (watched.size === 0) return;
    polling = true;
    const now = Date.now();
    let changed = false;
    try {
      if (toCancel.length > 0) {
        const ids = toCancel;
        toCancel = [];
        if (!(await options.client.cancel(ids))) toCancel.push(...ids);
      }
      readMarkers(now);
      const asking = [...watched].filter(needsState);
      if (asking.length > 0) {
        const reports = await options.client.queue(jobsOf(asking));
        if (reports !== undefined) {
          const unseen = apply(asking, reports, now);
          if (unseen.length > 0) {
            const accounted = await options.client.accounting(jobsOf(unseen));
            const still = accounted === undefined ? unseen : apply(unseen, accounted, now);
            for (const attempt of still) attempt.missingSince ??= now;
          }
        }
      }
      for (const attempt of [...watched]) {
        const verdict = judgeAttempt(attempt, options.limits, Date.now());
        if (verdict.done) {
          changed = true;
          settle(attempt, verdict);
        }
      }
    } catch (error) {
      debugLog('slurm', `polling failed: ${(error as Error).message}`);
    } finally {
      polling = false;
      if (ended.length > 0) {
        options.onEnded(ended);
        ended = [];
      }
      interval = changed ? options.pollMinMs : Math.min(options.pollMaxMs, Math.round(interval * 1.5));
      if (watched.size > 0 && !stopped) timer = setTimeout(() => void poll(), toCancel.length > 0 ? options.pollMinMs : interval);
    }
  }

  function readMarkers(now: number): void {
    const byFolder = new Map<string, WatchedAttempt[]>();
    for (const attempt of watched) {
      if (attempt.marker !== undefined) continue;
      const folder = path.dirname(attempt.markerFile);
      byFolder.set(folder, [...(byFolder.get(folder) ?? []), attempt]);
    }
    for (const [folder, attempts] of byFolder) {
      let names: Set<string>;
      try {
        names = new Set(fs.readdirSync(folder));
      } catch {
        continue;
      }
      for (const attempt of attempts) {
        // A shared file system may list a folder late; look a finished job's marker up by name.
        if (!names.has(path.basename(attempt.markerFile)) && attempt.endedWithoutMarkerSince === undefined) continue;
        const marker = readJsonFile<Marker>(attempt.markerFile);
        if (marker !== undefined) {
          attempt.marker = marker;
          attempt.markerSeenAt = now;
        }
      }
    }
  }

  // A marker of an attempt that ran its course says it all; otherwise ask Slurm.
  const needsState = (attempt: WatchedAttempt): boolean =>
    attempt.marker === undefined || attempt.marker.signalledBySlurm === true;

  const jobsOf = (attempts: readonly WatchedAttempt[]): string[] => [
    ...new Set(attempts.map((attempt) => splitJobId(attempt.jobId as string).job)),
  ];

  /** Records the reports; returns the attempts that none of them mentions and not seen ending. */
  function apply(attempts: readonly WatchedAttempt[], reports: readonly JobReport[], now: number): WatchedAttempt[] {
    const byId = new Map(reports.map((report) => [report.id, report]));
    const unseen: WatchedAttempt[] = [];
    for (const attempt of attempts) {
      const report = byId.get(attempt.jobId as string);
      if (report !== undefined) {
        attempt.report = report;
        attempt.missingSince = undefined;
        if (isTerminalState(report.state) && attempt.marker === undefined) attempt.endedWithoutMarkerSince ??= now;
      } else if (attempt.report === undefined || !isTerminalState(attempt.report.state)) {
        unseen.push(attempt);
      }
    }
    return unseen;
  }

  function settle(attempt: WatchedAttempt, verdict: Verdict & { done: true }): void {
    if (attempt.settled) return;
    attempt.settled = true;
    watched.delete(attempt);
    if (attempt.jobId !== undefined) ended.push({ key: attempt.key, job: attempt.jobId });
    void buildOutcome(attempt, verdict, options).then((outcome) => {
      resolvers.get(attempt)?.(outcome);
      resolvers.delete(attempt);
    });
  }

  function cancel(attempt: WatchedAttempt): void {
    if (attempt.settled || attempt.cancelRequestedAt !== undefined) return;
    attempt.cancelRequestedAt = Date.now();
    if (attempt.phase === 'waiting') {
      settle(attempt, { done: true, status: 'cancelled', exitCode: null, signal: null, fromMarker: false });
      return;
    }
    if (attempt.phase === 'submitted') requestCancel(attempt);
  }

  function requestCancel(attempt: WatchedAttempt): void {
    if (attempt.cancelSent === true || attempt.jobId === undefined) return;
    // The job ends for every task it runs: those not yet done end cancelled too.
    for (const other of watched) {
      if (other.jobId !== attempt.jobId) continue;
      other.cancelRequestedAt ??= Date.now();
      other.cancelSent = true;
    }
    attempt.cancelSent = true;
    toCancel.push(attempt.jobId);
    schedule(true);
  }

  return {
    track(init) {
      let resolve!: (outcome: AttemptOutcome) => void;
      const outcome = new Promise<AttemptOutcome>((done) => (resolve = done));
      const attempt: WatchedAttempt = {
        task: init.task,
        attempt: init.attempt,
        key: init.key,
        taskFile: init.taskFile,
        markerFile: init.markerFile,
        phase: 'waiting',
        settled: false,
        outcome,
      };
      resolvers.set(attempt, (result) => {
        resolve(result);
        init.resolve(result);
      });
      return attempt;
    },
    watch(attempt, jobId, output, submittedAt) {
      attempt.phase = 'submitted';
      attempt.jobId = jobId;
      attempt.output = output;
      attempt.submittedAt = submittedAt;
      if (attempt.settled) return;
      watched.add(attempt);
      if (attempt.cancelRequestedAt !== undefined) requestCancel(attempt);
      schedule(true);
    },
    fail(attempt, reason) {
      settle(attempt, { done: true, status: 'failed', exitCode: null, signal: null, reason, fromMarker: false });
    },
    cancel,
    async close() {
      closed = true;
      for (const attempt of [...resolvers.keys()]) cancel(attempt);
      const deadline = Date.now() + options.limits.cancelGraceMs + 5000;
      while (watched.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      stopped = true;
      clearTimeout(timer);
      if (ended.length > 0) options.onEnded(ended);
      ended = [];
    },
  };
}
