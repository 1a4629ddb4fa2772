// One row per attempt of a task in a run, written once, when the attempt has ended: what the
// report and `sluice status` show, and where the attempt's log is. The journal (journal.ts) is
// its one caller.

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
      task.wildcards === undefined || Object.keys(task.wildcards).length === 0 ? null : JSON.stringify(task.wildcards),
      nameTask(task),
    );
  }
}

// cpu_ms (user + system) and max_rss_kb stay for the step statistics; the split and the heap are
// the per-task records (`sluice report --tasks`).
function usageColumns(usage: TaskUsage | undefined): Array<number | null> {
  if (usage === undefined) return [null, null, null, null, null];
  const { cpuUserUs, cpuSystemUs } = usage;
  return [Math.round((cpuUserUs + cpuSystemUs) / 1000), usage.maxRssKb ?? null, cpuUserUs, cpuSystemUs, usage.heapKb ?? null];
}
