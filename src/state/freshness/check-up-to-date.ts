// Decides which tasks must run, and says why in words `--explain` can print.

import { bug } from '../../errors.ts';
import type { Task } from '../../kernel/task.ts';
import type { Signature } from './compute-signature.ts';
import type { StateStore } from '../store/open-store.ts';
import { readSuccesses, readSuccessStamps, type SuccessRecord, type SuccessStamp } from '../journal/read-successes.ts';
import { resolveTaskPath } from '../../kernel/resolve-task-path.ts';
import { stampOf, statOutputPath, type FileStat } from '../hashes/stat-file.ts';
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
  readonly task: Pick<Task, 'id' | 'step' | 'inputs' | 'outputs' | 'cwd'>;
  readonly signature: Signature;
  /** `--force STEP` named this task's step. */
  readonly forced?: boolean | undefined;
  /**
   * Outputs sluice deleted as temporaries (as the task names them): their absence is expected,
   * and the task is judged on its signature and its other outputs.
   */
  readonly deleted?: ReadonlySet<string> | undefined;
  /** The outputs' stats, when the caller took them already (and told `observe` of them). */
  readonly outputStats?: readonly (FileStat | undefined)[] | undefined;
}

/** Where stats of outputs are told to, by absolute path (null: absent). */
export type OutputObserver = Map<string, FileStat | ArrayLike<number> | null>;

/**
 * One verdict per query, in order. Reads all last successes in one query (unless `read`
 * holds them already). `observe`, when given, receives the stat of every output stat'ed (null
 * when missing), by absolute path.
 */
export function checkUpToDate(
  store: StateStore,
  queries: readonly UpToDateQuery[],
  observe?: OutputObserver,
  read?: ReadonlyMap<string, SuccessStamp>,
): UpToDateVerdict[] {
  // Indexed loops: see hash-cache.ts.
  const keys: string[] = [];
  for (let i = 0; i < queries.length; i += 1) keys.push(makeTaskKey((queries[i] as UpToDateQuery).task));
  const stamps = read ?? readSuccessStamps(store, keys);
  const verdicts: Array<UpToDateVerdict | 'signature differs'> = [];
  // Only a task whose signature differs needs its whole record, to name what changed.
  const changed: number[] = [];
  for (let i = 0; i < queries.length; i += 1) {
    const key = keys[i] as string;
    const verdict = judge(queries[i] as UpToDateQuery, key, stamps.get(key), observe);
    if (verdict === 'signature differs') changed.push(i);
    verdicts.push(verdict);
  }
  if (changed.length === 0) return verdicts as UpToDateVerdict[];
  const records = readSuccesses(store, changed.map((i) => keys[i] as string));
  for (const i of changed) {
    const record = records.get(keys[i] as string);
    if (record === undefined) bug(`the success of ${keys[i]} vanished while it was being checked`);
    verdicts[i] = explainChange(keys[i] as string, (queries[i] as UpToDateQuery).signature, record);
  }
  return verdicts as UpToDateVerdict[];
}

function stale(key: string, reason: OutOfDateReason, detail: { path?: string; inputChange?: InputChange } = {}): UpToDateVerdict {
  return { key, upToDate: false, reason, ...detail };
}

function judge(
  query: UpToDateQuery,
  key: string,
  success: SuccessStamp | undefined,
  observe: OutputObserver | undefined,
): UpToDateVerdict | 'signature differs' {
  const { task } = query;
  if (query.forced === true) return stale(key, 'forced');
  // Like a phony Make target: nothing on disk can show it was done.
  if (task.outputs.length === 0) return stale(key, 'no outputs');
  const outputStats = query.outputStats ?? statOutputs(task, observe);
  const missing = findMissingOutput(task, outputStats, query.deleted);
  if (missing !== undefined) return stale(key, 'output missing', { path: missing });
  if (success === undefined) return stale(key, 'never run');
  if (success.signature !== query.signature.value) return 'signature differs';
  // Equal signatures mean equal output order, so stamps compare position by position.
  if (outputStats.length === 1) {
    const stat = outputStats[0];
    if (stat !== undefined && stampOf(stat) !== success.outputsStamp) return stale(key, 'outputs changed', { path: task.outputs[0] as string });
    return { key, upToDate: true };
  }
  const recorded = success.outputsStamp.split('|');
  for (let i = 0; i < outputStats.length; i += 1) {
    const stat = outputStats[i];
    if (stat !== undefined && stampOf(stat) !== recorded[i]) return stale(key, 'outputs changed', { path: task.outputs[i] as string });
  }
  return { key, upToDate: true };
}

/** Stats a task's outputs (undefined: absent); `observe` receives each stat by absolute path. */
export function statOutputs(task: Pick<Task, 'outputs' | 'cwd'>, observe?: OutputObserver): (FileStat | undefined)[] {
  const stats: (FileStat | undefined)[] = [];
  for (let i = 0; i < task.outputs.length; i += 1) {
    const absolute = resolveTaskPath(task.cwd, task.outputs[i] as string);
    const stat = statOutputPath(absolute, task.outputs[i] as string);
    if (observe !== undefined) observe.set(absolute, stat ?? null);
    stats.push(stat);
  }
  return stats;
}

/** The first output (as the task names it) that is absent and not a deleted temporary. */
export function findMissingOutput(
  task: Pick<Task, 'outputs'>,
  stats: readonly (FileStat | undefined)[],
  deleted: ReadonlySet<string> | undefined,
): string | undefined {
  for (let i = 0; i < task.outputs.length; i += 1) {
    const output = task.outputs[i] as string;
    if (stats[i] === undefined && deleted?.has(output) !== true) return output;
  }
  return undefined;
}

function explainChange(key: string, signature: Signature, success: SuccessRecord): UpToDateVerdict {
  if (success.inputsHash !== signature.inputsHash) return stale(key, 'input changed', findChangedInput(success, signature));
  if (success.actionHash !== signature.actionHash) return stale(key, 'command changed');
  if (success.paramsHash !== signature.paramsHash) return stale(key, 'parameters changed');
  if (success.envHash !== signature.envHash) return stale(key, 'environment changed');
  // Only the order of the outputs differs, which changes which file each `{out}` names.
  return stale(key, 'command changed');
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
