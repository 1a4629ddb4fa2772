import type { AttemptOutcome } from '../execute/executor.ts';
import type { Task } from '../plan/task.ts';
import type { StateStore } from '../state/open-store.ts';
import { finishAttempt, startAttempt } from '../state/record-attempt.ts';
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
    store.db.transaction(() => {
      for (const { task, attempt, outcome } of rows) {
        startAttempt(store, { runId, task, attempt, logPath: outcome.stderrLog, startedAt: outcome.startedAt });
        if (outcome.status === 'succeeded') {
          store
            .statement(`UPDATE task_attempts SET state = 'succeeded', exit_code = 0, finished_at = ? WHERE run_id = ? AND task_id = ? AND attempt = ?`)
            .run(outcome.endedAt, runId, task.id, attempt);
        } else {
          finishAttempt(store, {
            runId,
            task,
            attempt,
            state: outcome.status,
            exitCode: outcome.exitCode,
            signal: outcome.signal,
            finishedAt: outcome.endedAt,
          });
        }
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
