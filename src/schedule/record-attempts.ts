import { classifyFault } from '../classify-fault.ts';
import type { AttemptOutcome } from '../execute/executor.ts';
import type { Task } from '../kernel/task.ts';
import { quoteArgv } from '../kernel/quote-argv.ts';
import type { StateStore } from '../state/store/open-store.ts';
import { recordRunSteps, type RunStepCounts } from '../state/journal/record-run-steps.ts';
import { makeTaskKey } from '../state/freshness/task-key.ts';
import { nameTask } from '../kernel/name-task.ts';
import type { RunListener } from './run-events.ts';

const FLUSH_EVERY = 256;

export interface AttemptRecorder extends RunListener {
  /** Writes what is buffered. */
  flush(): void;
}

/**
 * Keeps every ended attempt in the state database for `status` and reports. Rows are written in
 * batches, one transaction each: a transaction per task would cost more than starting the task.
 * Once the run has ended, the per-step task counts go in too.
 */
export function createAttemptRecorder(store: StateStore, runId: string): AttemptRecorder {
  let buffer: Array<{ task: Task; attempt: number; outcome: AttemptOutcome }> = [];
  const steps = new Map<string, { position: number; tasks: number; upToDate: number }>();
  let runEnded = false;
  const flush = (): void => {
    if (runEnded && steps.size > 0) {
      recordRunSteps(store, runId, [...steps].map(([step, counts]): RunStepCounts => ({ step, ...counts })));
      steps.clear();
    }
    if (buffer.length === 0) return;
    const rows = buffer;
    buffer = [];
    const insert = store.statement(
      `INSERT OR REPLACE INTO task_attempts
         (run_id, task_key, task_id, step, attempt, state, exit_code, signal, log_path, started_at, finished_at,
          command, error, cpu_ms, max_rss_kb, task_name)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
          outcome.stderrLog === '' ? null : outcome.stderrLog,
          outcome.startedAt,
          outcome.endedAt,
          outcome.argv.length > 0 ? quoteArgv(outcome.argv) : null,
          outcome.error ?? null,
          outcome.cpuMs ?? null,
          outcome.maxRssKb ?? null,
          nameTask(task),
        );
      }
    })();
  };
  return {
    flush,
    onRunStarted(tasks) {
      for (const task of tasks) {
        const counts = steps.get(task.step);
        if (counts === undefined) steps.set(task.step, { position: steps.size, tasks: 1, upToDate: 0 });
        else counts.tasks++;
      }
    },
    onTaskUpToDate(task) {
      const counts = steps.get(task.step);
      if (counts !== undefined) counts.upToDate++;
    },
    onTaskEnded(task, attempt, outcome) {
      buffer.push({ task, attempt, outcome });
      if (buffer.length < FLUSH_EVERY) return;
      try {
        flush();
      } catch (error) {
        // A full disk or a damaged database: an EnvironmentError stops the run (run-tasks.ts).
        throw classifyFault(error, { dbPath: store.dbPath }) ?? error;
      }
    },
    onRunEnded() {
      runEnded = true;
    },
  };
}
