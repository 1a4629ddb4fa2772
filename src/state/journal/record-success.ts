// Records that a task succeeded: its signature, the stat of each output, and the attempt's end,
// in one transaction. A SIGKILL at any moment leaves either all of it or none of it; with none,
// the next run finds no success and runs the task again, which is safe.

import path from 'node:path';
import { bug } from '../../errors.ts';
import type { Task } from '../../kernel/task.ts';
import type { Signature } from '../freshness/compute-signature.ts';
import type { StateStore } from '../store/open-store.ts';
import { stampOf, statOutputPath } from '../hashes/stat-file.ts';
import { makeTaskKey } from '../freshness/task-key.ts';

export interface SuccessEntry {
  readonly runId: string;
  readonly task: Pick<Task, 'id' | 'step' | 'inputs' | 'outputs' | 'cwd'>;
  /** The signature computed before the task ran, from the inputs it read. */
  readonly signature: Signature;
  readonly attempt: number;
  /** Epoch ms. */
  readonly startedAt: number;
  readonly finishedAt?: number | undefined;
  readonly exitCode?: number | undefined;
  readonly logPath?: string | undefined;
  /** Where each output is right now, when not yet at its final path (staged). */
  readonly statPaths?: readonly string[] | undefined;
}

/**
 * Call once the outputs are complete: in their final place, or still staged (`statPaths`) just
 * before the rename, which keeps inode, size and mtime. Their stat is what is recorded.
 */
export function recordSuccess(store: StateStore, entry: SuccessEntry): void {
  recordSuccesses(store, [entry]);
}

/**
 * Several successes in one transaction, for many short tasks: all or none of them is recorded,
 * and one that is lost to a crash only runs again.
 */
export function recordSuccesses(store: StateStore, entries: readonly SuccessEntry[]): void {
  // Stat before the transaction: it holds the write lock, and `sluice status` may be waiting.
  const rows = entries.map(toRow);
  const upsertSuccess = store.statement(
    `INSERT OR REPLACE INTO task_successes
       (task_key, step, signature, inputs_hash, action_hash, params_hash, env_hash,
        input_hashes, outputs, outputs_stamp, run_id, finished_at, duration_ms)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const closeAttempt = store.statement(
    `INSERT INTO task_attempts
       (run_id, task_key, task_id, step, attempt, state, exit_code, signal, log_path, started_at, finished_at)
     VALUES (?, ?, ?, ?, ?, 'succeeded', ?, NULL, ?, ?, ?)
     ON CONFLICT (run_id, task_key, attempt) DO UPDATE SET
       state = 'succeeded', exit_code = excluded.exit_code, finished_at = excluded.finished_at,
       log_path = coalesce(excluded.log_path, log_path)`,
  );
  store.db.transaction(() => {
    for (const row of rows) {
      upsertSuccess.run(...row.success);
      closeAttempt.run(...row.attempt);
    }
  })();
}

function toRow(entry: SuccessEntry): { success: unknown[]; attempt: unknown[] } {
  const { task, signature } = entry;
  const finishedAt = entry.finishedAt ?? Date.now();
  const stamps = task.outputs.map((output, index) => {
    const stat = statOutputPath(entry.statPaths?.[index] ?? path.resolve(task.cwd, output), output);
    if (stat === undefined) {
      bug(`recordSuccess for task ${task.id} of step ${task.step} while its output ${output} does not exist`);
    }
    return stampOf(stat);
  });
  const key = makeTaskKey(task);
  return {
    success: [
      key,
      task.step,
      signature.value,
      signature.inputsHash,
      signature.actionHash,
      signature.paramsHash,
      signature.envHash,
      JSON.stringify(signature.inputs.map((input) => [input.path, input.hash ?? null])),
      JSON.stringify(task.outputs),
      stamps.join('|'),
      entry.runId,
      finishedAt,
      Math.max(0, finishedAt - entry.startedAt),
    ],
    attempt: [
      entry.runId,
      key,
      task.id,
      task.step,
      entry.attempt,
      entry.exitCode ?? 0,
      entry.logPath ?? null,
      entry.startedAt,
      finishedAt,
    ],
  };
}
