// One row per attempt of a task in a run: what the report and `sluice status` show, and where
// the attempt's log is.

import { bug } from '../../errors.ts';
import type { Task } from '../../kernel/task.ts';
import type { StateStore } from '../store/open-store.ts';
import { makeTaskKey } from '../freshness/task-key.ts';

export type AttemptState = 'running' | 'succeeded' | 'failed' | 'timed out' | 'cancelled' | 'interrupted';

export type AttemptTask = Pick<Task, 'id' | 'step' | 'inputs' | 'outputs'>;

export interface AttemptStart {
  readonly runId: string;
  readonly task: AttemptTask;
  /** 1 for the first try, 2 for the first retry, ... */
  readonly attempt: number;
  readonly logPath?: string | undefined;
  readonly startedAt?: number | undefined;
}

export interface AttemptEnd {
  readonly runId: string;
  readonly task: AttemptTask;
  readonly attempt: number;
  /** Successes go through `recordSuccess`, which also closes the attempt. */
  readonly state: Exclude<AttemptState, 'running' | 'succeeded'>;
  readonly exitCode?: number | null | undefined;
  readonly signal?: string | null | undefined;
  readonly finishedAt?: number | undefined;
}

export function startAttempt(store: StateStore, start: AttemptStart): void {
  store
    .statement(
      `INSERT OR REPLACE INTO task_attempts
         (run_id, task_key, task_id, step, attempt, state, exit_code, signal, log_path, started_at, finished_at)
       VALUES (?, ?, ?, ?, ?, 'running', NULL, NULL, ?, ?, NULL)`,
    )
    .run(
      start.runId,
      makeTaskKey(start.task),
      start.task.id,
      start.task.step,
      start.attempt,
      start.logPath ?? null,
      start.startedAt ?? Date.now(),
    );
}

export function finishAttempt(store: StateStore, end: AttemptEnd): void {
  const { changes } = store
    .statement(
      `UPDATE task_attempts SET state = ?, exit_code = ?, signal = ?, finished_at = ?
       WHERE run_id = ? AND task_key = ? AND attempt = ?`,
    )
    .run(
      end.state,
      end.exitCode ?? null,
      end.signal ?? null,
      end.finishedAt ?? Date.now(),
      end.runId,
      makeTaskKey(end.task),
      end.attempt,
    );
  if (changes === 0) bug(`finishAttempt for task ${end.task.id} attempt ${end.attempt} that was never started`);
}

/** A whole attempt, written once it has ended. */
export interface EndedAttempt {
  readonly runId: string;
  readonly task: AttemptTask;
  readonly attempt: number;
  readonly state: Exclude<AttemptState, 'running'>;
  readonly exitCode?: number | null | undefined;
  readonly signal?: string | null | undefined;
  readonly logPath?: string | null | undefined;
  readonly startedAt: number;
  readonly finishedAt: number;
}

/**
 * Writes ended attempts in one transaction, for a scheduler that records in batches rather than
 * at each start and end. A row already there (from startAttempt or recordSuccess) is replaced.
 */
export function recordEndedAttempts(store: StateStore, attempts: readonly EndedAttempt[]): void {
  const insert = store.statement(
    `INSERT OR REPLACE INTO task_attempts
       (run_id, task_key, task_id, step, attempt, state, exit_code, signal, log_path, started_at, finished_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  store.db.transaction(() => {
    for (const a of attempts) {
      insert.run(
        a.runId,
        makeTaskKey(a.task),
        a.task.id,
        a.task.step,
        a.attempt,
        a.state,
        a.exitCode ?? null,
        a.signal ?? null,
        a.logPath ?? null,
        a.startedAt,
        a.finishedAt,
      );
    }
  })();
}
