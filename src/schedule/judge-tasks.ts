// The up-to-date verdicts of a batch of tasks, and the bookkeeping the gate keeps between
// batches: which tasks were judged without their signature, and the signatures computed.

import path from 'node:path';
import { BASH_STRICT_OPTIONS } from '../kernel/render-action.ts';
import type { Task } from '../kernel/task.ts';
import { readDeletedTemporaries } from '../state/journal/deleted-temporaries.ts';
import { checkUpToDate, findMissingOutput, statOutputs, type UpToDateQuery, type UpToDateVerdict } from '../state/freshness/check-up-to-date.ts';
import type { Signature, SignedAction } from '../state/freshness/compute-signature.ts';
import type { HashCache } from '../state/hashes/hash-cache.ts';
import type { StateStore } from '../state/store/open-store.ts';
import { signTasks, type SignableTask } from '../state/freshness/sign-tasks.ts';
import { makeTaskKey } from '../state/freshness/task-key.ts';

/** What judging needs of the gate's options. */
export interface JudgeOptions {
  readonly store: StateStore;
  readonly cache: HashCache;
  /** Steps named by `--force`. */
  readonly forcedSteps?: ReadonlySet<string> | undefined;
  /** Tasks the user asked for by name: a temporary output of theirs that was deleted is missing. */
  readonly targets?: ReadonlySet<number> | undefined;
  /** Given: receives the stamp of every output the gate stat'ed, by absolute path. */
  readonly observeOutputs?: Map<string, string> | undefined;
}

/** What the gate remembers of a run's tasks between one judgement and the next. */
export interface GateState {
  readonly signatures: Map<number, Signature>;
  /** Only a task whose upstream ran can have inputs the survey did not see. */
  readonly undecided: Set<number>;
  /**
   * Tasks judged without their signature (forced, or an output missing: they run whatever their
   * inputs hold). They are signed when they are about to run, so a first run over a large data
   * set starts its first task at once instead of hashing every input first.
   */
  readonly unsigned: Set<number>;
  /** Tasks running unsigned, to be signed once they ran (deferSigning). */
  readonly deferred: Set<number>;
  /** Outputs of temporary steps that sluice deleted, by task: absent, yet not "missing". */
  deletedByTask: Map<number, Set<string>>;
}

export function createGateState(): GateState {
  return { signatures: new Map(), undecided: new Set(), unsigned: new Set(), deferred: new Set(), deletedByTask: new Map() };
}

/** Outputs of temporary steps (not named as targets) that sluice deleted, by task. */
export function findDeletedOutputs(options: JudgeOptions, tasks: readonly Task[]): Map<number, Set<string>> {
  const temporary = tasks.filter((task) => task.temporary === true && options.targets?.has(task.id) !== true);
  if (temporary.length === 0) return new Map();
  const absolute = temporary.flatMap((task) => task.outputs.map((output) => path.resolve(task.cwd, output)));
  const deleted = readDeletedTemporaries(options.store, absolute);
  return new Map(
    temporary.map((task) => [task.id, new Set(task.outputs.filter((output) => deleted.has(path.resolve(task.cwd, output))))]),
  );
}

/** Each task's own verdict (its upstream aside), signing those whose verdict needs it. */
export async function judgeTasks(options: JudgeOptions, state: GateState, all: readonly Task[]): Promise<UpToDateVerdict[]> {
  // A task without outputs always runs (nothing on disk shows it was done): no need to sign it.
  const tasks = all.filter((task) => task.outputs.length > 0);
  if (tasks.length < all.length) {
    const judged = tasks.length === 0 ? [] : await judgeTasks(options, state, tasks);
    const byTask = new Map(tasks.map((task, index) => [task, judged[index] as UpToDateVerdict]));
    return all.map((task) => byTask.get(task) ?? { key: String(task.id), upToDate: false, reason: 'no outputs' });
  }
  const verdicts: (UpToDateVerdict | undefined)[] = [];
  // The tasks whose verdict needs their signature, with the output stats already taken.
  const pending: (Omit<UpToDateQuery, 'signature'> & { readonly task: Task })[] = [];
  const pendingAt: number[] = [];
  for (let i = 0; i < tasks.length; i += 1) {
    const task = tasks[i] as Task;
    if (options.forcedSteps?.has(task.step) === true) {
      state.unsigned.add(task.id);
      verdicts.push({ key: makeTaskKey(task), upToDate: false, reason: 'forced' });
      continue;
    }
    const deleted = state.deletedByTask.get(task.id);
    const outputStats = statOutputs(task, options.observeOutputs);
    const missing = findMissingOutput(task, outputStats, deleted);
    if (missing !== undefined) {
      state.unsigned.add(task.id);
      verdicts.push({ key: makeTaskKey(task), upToDate: false, reason: 'output missing', path: missing });
      continue;
    }
    if (state.unsigned.size > 0) state.unsigned.delete(task.id);
    pending.push({ task, deleted, outputStats });
    pendingAt.push(i);
    verdicts.push(undefined);
  }
  if (pending.length === 0) return verdicts as UpToDateVerdict[];
  const signed = await signTasks(options.cache, pending.map((query) => toSignable(query.task)));
  const queries: UpToDateQuery[] = [];
  for (let i = 0; i < pending.length; i += 1) {
    const query = pending[i] as (typeof pending)[number];
    const signature = signed[i] as Signature;
    state.signatures.set(query.task.id, signature);
    queries.push({ task: query.task, deleted: query.deleted, outputStats: query.outputStats, signature });
  }
  const judged = checkUpToDate(options.store, queries, options.observeOutputs);
  for (let i = 0; i < judged.length; i += 1) verdicts[pendingAt[i] as number] = judged[i];
  return verdicts as UpToDateVerdict[];
}

/** Signs tasks for the gate and remembers their signatures. */
export async function signForGate(options: JudgeOptions, state: GateState, tasks: readonly Task[], known?: ReadonlyMap<string, string>): Promise<Signature[]> {
  const signed = await signTasks(options.cache, tasks.map(toSignable), known);
  for (let i = 0; i < tasks.length; i += 1) state.signatures.set((tasks[i] as Task).id, signed[i] as Signature);
  return signed;
}

// How a strict shell step's script runs, in its signature: `sh()` steps signed before they ran
// with bash strict (by /bin/sh) run once more, since what they made may hide a failure.
const STRICT_BASH = `bash ${BASH_STRICT_OPTIONS.join(' ')}`;

// Parameters reach a command only through its expanded paths and arguments, which the signature
// covers already; a function step receives them all at run time, so they join its signature.
function toSignable(task: Task): SignableTask {
  if (task.action.kind === 'shell' && task.action.bash !== undefined) {
    return { task, action: { kind: 'shell', script: task.action.script, shell: STRICT_BASH }, params: null, env: task.env };
  }
  if (task.action.kind !== 'function') return { task, action: task.action, params: null, env: task.env };
  const { source, modules } = task.action;
  const action: SignedAction = modules === undefined ? { kind: 'function', source } : { kind: 'function', source, modules };
  return { task, action, params: task.params ?? null, env: task.env };
}
