import type { Task } from '../../kernel/task.ts';
import type { AttemptOutcome } from '../executor.ts';
import type { SlurmAttemptState } from './attempt-state.ts';
import type { JobReport } from './job-state.ts';
import type { JudgeLimits } from './judge-attempt.ts';
import type { LedgerEnd } from './job-ledger.ts';
import type { SlurmClient } from './slurm-client.ts';
import type { Marker } from './task-files.ts';

/** One attempt from submit() to its outcome. Mutable: the watcher fills in what it learns. */
export interface WatchedAttempt {
  readonly task: Task;
  readonly attempt: number;
  /** The task's identity across runs, for the job ledger. */
  readonly key: string;
  taskFile: string;
  markerFile: string;
  /** Moved by moveAttempt (attempt-state.ts) only. */
  state: SlurmAttemptState;
  jobId?: string | undefined;
  output?: string | undefined;
  submittedAt?: number | undefined;
  readonly outcome: Promise<AttemptOutcome>;
  marker?: Marker | undefined;
  markerSeenAt?: number | undefined;
  report?: JobReport | undefined;
  cancelRequestedAt?: number | undefined;
  endedWithoutMarkerSince?: number | undefined;
  missingSince?: number | undefined;
  /** The tasks of its array element, in the order the node runs them (itself among them). */
  packMates?: readonly WatchedAttempt[] | undefined;
  /** Times its element ended before the attempt started, and it was sent again. */
  requeues?: number | undefined;
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
  /** An attempt was judged (its marker, if any, is read): called before its outcome is built. */
  readonly onSettled?: ((attempt: WatchedAttempt) => void) | undefined;
  /** An attempt whose element ended before it started, waiting again: send it in a new job. */
  readonly onRequeue?: ((attempt: WatchedAttempt) => void) | undefined;
}

/** What one job watcher knows: the attempts it watches and when it polls next. */
export interface WatcherContext {
  readonly options: JobWatcherOptions;
  /** Every attempt tracked and not ended, with what resolves its outcome. */
  readonly resolvers: Map<WatchedAttempt, (outcome: AttemptOutcome) => void>;
  /** The attempts in state `submitted` or `cancelling`. */
  readonly watched: Set<WatchedAttempt>;
  /** Jobs to cancel at the next poll. */
  toCancel: string[];
  /** Jobs whose outcome was reported since the ledger was last told. */
  ended: LedgerEnd[];
  interval: number;
  timer: NodeJS.Timeout | undefined;
  polling: boolean;
  /** After close() gave up waiting: no more polling, whatever is left. */
  stopped: boolean;
}
