// The one writer of a run's history: the run's row as it starts and ends, one attempt row per
// ended attempt, one success row per committed success, and the run's step counts. Each event is
// written once. Rows are written in batches, one transaction each: a transaction per task would
// cost more than starting the task. Ended attempts wait for the next batch of successes (a run of
// successes writes no transaction of its own for them), or until ATTEMPTS_PER_WRITE wait.
//
// An attempt is written when it has ended, not as it starts. A success is committed before its
// attempt ends (its outputs are renamed into place once it is written), so its transaction also
// writes the attempt's row as the success knows it, which the ended attempt's row replaces: a run
// that is killed may lose the rows of its last failed attempts, never a success nor its attempt.

import { bug } from '../../errors.ts';
import type { AttemptOutcome } from '../../execute/executor.ts';
import type { StateStore } from '../store/open-store.ts';
import { createSuccessBatcher, type SuccessBatchOptions } from './batch-successes.ts';
import { insertEndedAttempts, type AttemptTask, type EndedAttempt } from './record-attempt.ts';
import { finishRun, startRun, type RunRecord, type RunStart, type RunStatus } from './record-run.ts';
import { insertRunSteps, type RunStepCounts } from './record-run-steps.ts';
import { insertSuccesses, statSuccesses, type SuccessEntry } from './record-success.ts';

/** Ended attempts written at once when this many wait and no success came to take them along. */
const ATTEMPTS_PER_WRITE = 256;

export interface Journal {
  /**
   * Records a new run (holding the run lock); runs a dead sluice left 'running' become
   * 'crashed'. Everything else is written to this run.
   */
  startRun(start: RunStart): RunRecord;
  /**
   * An attempt ended, whatever its outcome: its one row, written with the next batch. A write it
   * triggers may throw (a full disk, a damaged database).
   */
  endAttempt(task: AttemptTask, attempt: number, outcome: AttemptOutcome): void;
  /**
   * A task succeeded and its outputs are complete (see `SuccessEntry`): its row is written in a
   * batch. Resolves once it is, with the others of its batch; rejects if that failed.
   */
  commitSuccess(entry: SuccessEntry): Promise<void>;
  /** Per step, how many tasks the run planned and found up to date: written with the next batch. */
  countSteps(steps: readonly RunStepCounts[]): void;
  /** Writes what waits, now. */
  flush(): void;
  /** Writes the successes that wait, now, if any (something waits for them: SuccessBatchOptions.urgent). */
  hurry(): void;
  /** Writes what waits, then closes the run's row (`finishedAt`: epoch ms, now by default). */
  finishRun(status: Exclude<RunStatus, 'running' | 'crashed'>, finishedAt?: number): void;
}

export interface JournalOptions {
  /** How successes are grouped (batch-successes.ts). */
  readonly batch?: SuccessBatchOptions;
}

export function createJournal(store: StateStore, options: JournalOptions = {}): Journal {
  let runId: string | undefined;
  let attempts: EndedAttempt[] = [];
  let steps: readonly RunStepCounts[] | undefined;

  // One transaction: these successes, and the attempts and step counts that wait.
  const write = (entries: readonly SuccessEntry[]): void => {
    const id = runId ?? bug('the journal was written to before its run started');
    const rows = statSuccesses(entries);
    const ended = attempts;
    const counts = steps;
    store.db.transaction(() => {
      insertSuccesses(store, id, rows);
      insertEndedAttempts(store, id, ended);
      if (counts !== undefined) insertRunSteps(store, id, counts);
    })();
    // Only once written: what a failed write held waits for the next one.
    attempts = [];
    steps = undefined;
  };
  const successes = createSuccessBatcher(write, options.batch);
  const flush = (): void => {
    successes.flush();
    if (attempts.length > 0 || steps !== undefined) write([]);
  };

  return {
    startRun(start) {
      if (runId !== undefined) bug(`the journal of run ${runId} was asked to start run ${start.id}`);
      const record = startRun(store, start);
      runId = record.id;
      return record;
    },
    endAttempt(task, attempt, outcome) {
      attempts.push({ task, attempt, outcome });
      if (attempts.length >= ATTEMPTS_PER_WRITE) write([]);
    },
    commitSuccess: (entry) => successes.add(entry),
    countSteps(counts) {
      steps = counts;
    },
    flush,
    hurry: () => successes.flush(),
    finishRun(status, finishedAt) {
      flush();
      finishRun(store, runId ?? bug('the journal was asked to finish a run it never started'), status, finishedAt);
    },
  };
}
