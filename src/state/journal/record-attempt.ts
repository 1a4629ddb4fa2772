// One row per attempt of a task in a run, written when the attempt has ended: what the report
// and `sluice status` show, and where the attempt's log is. A succeeded attempt's row is also
// written first with its success, from what the success knows, so that a killed run never
// leaves a success without its attempt. The journal (journal.ts) is the one caller.

import type { TaskUsage } from '../../kernel/task-usage.ts';
import type { AttemptOutcome } from '../../execute/executor.ts';
import type { Task } from '../../kernel/task.ts';
import { nameTask } from '../../kernel/name-task.ts';
import { quoteArgv } from '../../kernel/quote-argv.ts';
import type { StateStore } from '../store/open-store.ts';
import { makeTaskKey } from '../freshness/task-key.ts';

/** The schema's states; attempts are written as they end, so this sluice writes neither 'running' nor 'interrupted'. */
export type AttemptState = 'running' | 'succeeded' | 'failed' | 'timed out' | 'cancelled' | 'interrupted';

export type AttemptTask = Pick<Task, 'id' | 'step' | 'inputs' | 'outputs' | 'wildcards'>;

export interface EndedAttempt {
  readonly task: AttemptTask;
  /** 1 for the first try, 2 for the first retry, ... */
  readonly attempt: number;
  readonly outcome: AttemptOutcome;
}

/** A succeeded attempt as its success knows it: before it ended, so no command, log or usage. */
export interface SucceededAttempt {
  readonly task: AttemptTask;
  readonly attempt: number;
  readonly startedAt: number;
  readonly finishedAt: number;
}

/**
 * Writes the row of each succeeded attempt whose success is written in the caller's transaction,
 * unless its ended attempt's row is there already. The ended attempt's row replaces it (with the
 * command, log and usage) when it is written.
 */
export function insertSucceededAttempts(store: StateStore, runId: string, attempts: readonly SucceededAttempt[]): void {
  if (attempts.length === 0) return;
  const insert = store.statement(
    `INSERT OR IGNORE INTO task_attempts
       (run_id, task_key, task_id, step, attempt, state, exit_code, started_at, finished_at, wildcards, task_name)
     VALUES (?, ?, ?, ?, ?, 'succeeded', NULL, ?, ?, ?, ?)`,
  );
  for (const { task, attempt, startedAt, finishedAt } of attempts) {
    insert.run(runId, makeTaskKey(task), task.id, task.step, attempt, startedAt, finishedAt, wildcardsColumn(task), nameTask(task));
  }
}

/**
 * Writes ended attempts, each as its outcome tells it (the one place an outcome becomes a row),
 * inside the caller's transaction.
 */
export function insertEndedAttempts(store: StateStore, runId: string, attempts: readonly EndedAttempt[]): void {
  if (attempts.length === 0) return;
  // OR REPLACE: an attempt a backend reported twice must not fail the successes written with it.
  const insert = store.statement(
    `INSERT OR REPLACE INTO task_attempts
       (run_id, task_key, task_id, step, attempt, state, exit_code, signal, log_path, started_at, finished_at,
        command, error, cpu_ms, max_rss_kb, cpu_user_us, cpu_system_us, heap_kb, wildcards, task_name)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const { task, attempt, outcome } of attempts) {
    insert.run(
      runId,
      makeTaskKey(task),
      task.id,
      task.step,
      attempt,
      outcome.status,
      outcome.exitCode,
      outcome.signal,
      outcome.stderrLog === '' ? null : outcome.stderrLog,
      outcome.startedAt,
      outcome.endedAt,
      outcome.argv.length > 0 ? quoteArgv(outcome.argv) : null,
      outcome.error ?? null,
      ...usageColumns(outcome.usage),
      wildcardsColumn(task),
      nameTask(task),
    );
  }
}

function wildcardsColumn(task: AttemptTask): string | null {
  return task.wildcards === undefined || Object.keys(task.wildcards).length === 0 ? null : JSON.stringify(task.wildcards);
}

// cpu_ms (user + system) and max_rss_kb stay for the step statistics; the split and the heap are
// the per-task records (`sluice report --tasks`).
function usageColumns(usage: TaskUsage | undefined): Array<number | null> {
  if (usage === undefined) return [null, null, null, null, null];
  const { cpuUserUs, cpuSystemUs } = usage;
  return [Math.round((cpuUserUs + cpuSystemUs) / 1000), usage.maxRssKb ?? null, cpuUserUs, cpuSystemUs, usage.heapKb ?? null];
}
