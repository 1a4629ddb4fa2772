// Decides which tasks must run, and says why in words `--explain` can print.

import path from 'node:path';
import type { Task } from '../plan/task.ts';
import type { Signature } from './compute-signature.ts';
import type { StateStore } from './open-store.ts';
import { readSuccesses, type SuccessRecord } from './read-successes.ts';
import { isSameStat, statFile } from './stat-file.ts';
import { makeTaskKey } from './task-key.ts';

export type OutOfDateReason =
  | 'forced'
  | 'no outputs'
  | 'output missing'
  | 'never run'
  | 'input changed'
  | 'command changed'
  | 'parameters changed'
  | 'environment changed'
  | 'outputs changed';

/** What happened to the input an 'input changed' verdict names. */
export type InputChange = 'content changed' | 'missing' | 'added' | 'removed' | 'reordered';

export type UpToDateVerdict =
  | { readonly key: string; readonly upToDate: true }
  | {
      readonly key: string;
      readonly upToDate: false;
      readonly reason: OutOfDateReason;
      /** The input or output at fault, as the task names it. */
      readonly path?: string | undefined;
      readonly inputChange?: InputChange | undefined;
    };

export interface UpToDateQuery {
  readonly task: Pick<Task, 'step' | 'inputs' | 'outputs' | 'cwd'>;
  readonly signature: Signature;
  /** `--force STEP` named this task's step. */
  readonly forced?: boolean | undefined;
}

/** One verdict per query, in order. Reads all last successes in one query. */
export function checkUpToDate(store: StateStore, queries: readonly UpToDateQuery[]): UpToDateVerdict[] {
  const keys = queries.map((query) => makeTaskKey(query.task));
  const successes = readSuccesses(store, keys);
  return queries.map((query, i) => judge(query, keys[i] as string, successes.get(keys[i] as string)));
}

function judge(query: UpToDateQuery, key: string, success: SuccessRecord | undefined): UpToDateVerdict {
  const { task, signature } = query;
  const stale = (reason: OutOfDateReason, extra: { path?: string; inputChange?: InputChange } = {}): UpToDateVerdict => ({
    key,
    upToDate: false,
    reason,
    ...extra,
  });
  if (query.forced === true) return stale('forced');
  // Like a phony Make target: nothing on disk can show it was done.
  if (task.outputs.length === 0) return stale('no outputs');
  const outputStats = task.outputs.map((output) => statFile(path.resolve(task.cwd, output)));
  const missing = outputStats.findIndex((stat) => stat === undefined);
  if (missing >= 0) return stale('output missing', { path: task.outputs[missing] as string });
  if (success === undefined) return stale('never run');

  if (success.signature !== signature.value) {
    if (success.inputsHash !== signature.inputsHash) return stale('input changed', findChangedInput(success, signature));
    if (success.actionHash !== signature.actionHash) return stale('command changed');
    if (success.paramsHash !== signature.paramsHash) return stale('parameters changed');
    if (success.envHash !== signature.envHash) return stale('environment changed');
    // Only the order of the outputs differs, which changes which file each `{out}` names.
    return stale('command changed');
  }

  const recorded = new Map(success.outputs.map((output) => [output.path, output]));
  for (const [i, output] of task.outputs.entries()) {
    const before = recorded.get(output);
    const now = outputStats[i];
    if (before === undefined || now === undefined || !isSameStat(before, now)) {
      return stale('outputs changed', { path: output });
    }
  }
  return { key, upToDate: true };
}

function findChangedInput(success: SuccessRecord, signature: Signature): { path?: string; inputChange?: InputChange } {
  const before = new Map(success.inputs.map(([p, hash]) => [p, hash]));
  const now = new Map(signature.inputs.map((input) => [input.path, input.hash ?? null]));
  for (const input of signature.inputs) {
    if (!before.has(input.path)) return { path: input.path, inputChange: 'added' };
    if (input.hash === undefined) return { path: input.path, inputChange: 'missing' };
    if (before.get(input.path) !== input.hash) return { path: input.path, inputChange: 'content changed' };
  }
  for (const [p] of success.inputs) {
    if (!now.has(p)) return { path: p, inputChange: 'removed' };
  }
  return { inputChange: 'reordered' };
}
