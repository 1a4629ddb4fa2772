import type { AttemptOutcome } from '../execute/executor.ts';
import type { Task } from '../plan/task.ts';
import type { StateStore } from '../state/open-store.ts';
import { makeTaskKey } from '../state/task-key.ts';
import type { RunListener } from './run-events.ts';

const FLUSH_EVERY = 256;

export interface AttemptRecorder extends RunListener {
  /** Writes what is buffered. */
  flush(): void;
}

/**
 * Keeps every ended attempt in the state database for `status` and reports. Rows are written in
 * batches, one transaction each: a transaction per task would cost more than starting the task.
 */
export function createAttemptRecorder(store: StateStore, runId: string): AttemptRecorder {
  let buffer: Array<{ task: Task; attempt: number; outcome: AttemptOutcome }> = [];
  const flush = (): void => {
    if (buffer.length === 0) return;
    const rows = buffer;
    buffer = [];
    const insert = store.statement(
      `INSERT OR REPLACE INTO task_attempts
         (run_id, task_key, task_id, step, attempt, state, exit_code, signal, log_path, started_at, finished_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    store.db.transaction(() => {
      for (const { task, attempt, outcome } of rows) {
        insert.run(
          runId,
          makeTaskKey(task),
          task.id,
          task.step,
          attempt,
          outcome.status,
          outcome.exitCode,
          outcome.signal,
          outcome.stderrLog,
          outcome.startedAt,
          outcome.endedAt,
        );
      }
    })();
  };
  return {
    flush,
    onTaskEnded(task, attempt, outcome) {
      buffer.push({ task, attempt, outcome });
      if (buffer.length >= FLUSH_EVERY) flush();
    },
  };
}
