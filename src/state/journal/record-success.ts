// A task's success: its signature and the stat of each output, the row that makes it up to date
// in the next run. The journal (journal.ts) is its one caller, and writes it in one transaction
// with the rest of a batch: a SIGKILL at any moment leaves either all of it or none of it; with
// none, the next run finds no success and runs the task again, which is safe.

import path from 'node:path';
import { bug } from '../../errors.ts';
import type { Task } from '../../kernel/task.ts';
import { resolveTaskPath } from '../../kernel/resolve-task-path.ts';
import type { Signature } from '../freshness/compute-signature.ts';
import type { StateStore } from '../store/open-store.ts';
import { stampOf, statOutputPath, type FileStat } from '../hashes/stat-file.ts';
import { makeTaskKey } from '../freshness/task-key.ts';
import { forgetDeletedTemporaries } from './deleted-temporaries.ts';
import { insertSucceededAttempts, type SucceededAttempt } from './record-attempt.ts';

export interface SuccessEntry {
  readonly task: Pick<Task, 'id' | 'step' | 'inputs' | 'outputs' | 'cwd' | 'temporary' | 'wildcards'>;
  /** Which attempt of the task succeeded (1 for the first try): its row is written with the success. */
  readonly attempt: number;
  /** The signature computed before the task ran, from the inputs it read. */
  readonly signature: Signature;
  /** Epoch ms. */
  readonly startedAt: number;
  readonly finishedAt?: number | undefined;
  /** Where each output is right now, when not yet at its final path (staged). */
  readonly statPaths?: readonly string[] | undefined;
  /**
   * A stat of each output already taken once it was complete and where it is now (the stat a
   * function's thread took as it hashed the output): used instead of a stat of its own. Folder
   * outputs are always stat'ed here. If the file changed since, the recorded stamp is older than
   * the file, and the next run only runs the task again.
   */
  readonly stats?: readonly (FileStat | undefined)[] | undefined;
}

/** A success ready to insert: its outputs stat'ed. */
export interface SuccessRow {
  readonly values: readonly unknown[];
  /** Outputs of a temporary step, made again: no longer deleted temporaries. */
  readonly remade: readonly string[];
  /** The succeeded attempt, written with the success. */
  readonly attempt: SucceededAttempt;
}

/**
 * Stats the outputs of successes, outside any transaction (it holds the write lock, and `sluice
 * status` may be waiting). Call once the outputs are complete: in their final place, or still
 * staged (`statPaths`) just before the rename, which keeps inode, size and mtime.
 */
export function statSuccesses(entries: readonly SuccessEntry[]): SuccessRow[] {
  return entries.map(toRow);
}

/** Writes successes inside the caller's transaction. */
export function insertSuccesses(store: StateStore, runId: string, rows: readonly SuccessRow[]): void {
  if (rows.length === 0) return;
  const upsert = store.statement(
    `INSERT OR REPLACE INTO task_successes
       (run_id, task_key, step, signature, inputs_hash, action_hash, params_hash, env_hash,
        input_hashes, outputs, outputs_stamp, finished_at, duration_ms)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const row of rows) {
    upsert.run(runId, ...row.values);
    if (row.remade.length > 0) forgetDeletedTemporaries(store, row.remade);
  }
  insertSucceededAttempts(store, runId, rows.map((row) => row.attempt));
}

function toRow(entry: SuccessEntry): SuccessRow {
  const { task, signature } = entry;
  const finishedAt = entry.finishedAt ?? Date.now();
  const stamps = task.outputs.map((output, index) => {
    const known = output.endsWith('/') ? undefined : entry.stats?.[index];
    const stat = known ?? statOutputPath(entry.statPaths?.[index] ?? path.resolve(task.cwd, output), output);
    if (stat === undefined) {
      bug(`the success of task ${task.id} of step ${task.step} was recorded while its output ${output} does not exist`);
    }
    return stampOf(stat);
  });
  return {
    values: [
      makeTaskKey(task),
      task.step,
      signature.value,
      signature.inputsHash,
      signature.actionHash,
      signature.paramsHash,
      signature.envHash,
      JSON.stringify(signature.inputs.map((input) => [input.path, input.hash ?? null])),
      JSON.stringify(task.outputs),
      stamps.join('|'),
      finishedAt,
      Math.max(0, finishedAt - entry.startedAt),
    ],
    remade: task.temporary === true ? task.outputs.map((output) => resolveTaskPath(task.cwd, output)) : [],
    attempt: { task, attempt: entry.attempt, startedAt: entry.startedAt, finishedAt },
  };
}
