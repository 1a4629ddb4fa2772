// The up-to-date verdicts of a batch of tasks, and the bookkeeping the gate keeps between
// batches: which tasks were judged without their signature, and the signatures computed.

import path from 'node:path';
import { BASH_STRICT_OPTIONS } from '../kernel/render-action.ts';
import type { Task } from '../kernel/task.ts';
import { readDeletedTemporaries } from '../state/journal/deleted-temporaries.ts';
import {
  checkUpToDate,
  findMissingOutput,
  statOutputs,
  type OutputObserver,
  type UpToDateQuery,
  type UpToDateVerdict,
} from '../state/freshness/check-up-to-date.ts';
import type { Signature, SignedAction } from '../state/freshness/compute-signature.ts';
import type { HashCache } from '../state/hashes/hash-cache.ts';
import type { StateStore } from '../state/store/open-store.ts';
import { defineTask, signTasks, type SignableTask } from '../state/freshness/sign-tasks.ts';
import { makeTaskKey } from '../state/freshness/task-key.ts';
import { readLearnedStamps, type LearnedSuccess } from '../state/journal/read-successes.ts';
import { createStampCheck, type StampCheck } from '../state/freshness/check-stamps.ts';
import {
  confirmTaskStamps,
  decodeTaskStamps,
  encodeTaskStamps,
  recordTaskStamps,
  statsToLearn,
  type LearnedStamps,
  type SeenStamp,
} from '../state/freshness/task-stamps.ts';

/** What judging needs of the gate's options. */
export interface JudgeOptions {
  readonly store: StateStore;
  readonly cache: HashCache;
  /** Steps named by `--force`. */
  readonly forcedSteps?: ReadonlySet<string> | undefined;
  /** Keys of tasks of those steps that ran in an earlier round of this run: not forced again. */
  readonly unforced?: ReadonlySet<string> | undefined;
  /** Tasks the user asked for by name: a temporary output of theirs that was deleted is missing. */
  readonly targets?: ReadonlySet<number> | undefined;
  /** Given: receives the stat of every output the gate stat'ed, by absolute path. */
  readonly observeOutputs?: OutputObserver | undefined;
  /**
   * The stats of the inputs whose hashes the hash cache trusted (its `observe`), by absolute
   * path: the survey learns a task's stamps from them (freshness/task-stamps.ts) and writes them.
   */
  readonly trustedInputs?: Map<string, SeenStamp | null> | undefined;
  /** Given: receives the stamps' words of every task confirmed by them, by task id. */
  readonly observeConfirmed?: Map<number, Int32Array> | undefined;
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
  /** The stat check of learned stamps, made once it is needed. */
  check?: StampCheck | undefined;
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

/** Whether the last run's snapshot vouches for every file of a task (state/freshness/unchanged-files.ts). */
export type Vouch = (task: Task) => boolean;

/**
 * Each task's own verdict (its upstream aside), signing those whose verdict needs it: a task
 * whose learned stamps and definition are as recorded is up to date without its signature, and
 * so is one the snapshot vouches for (`vouch`, the survey only).
 * `learn`: store the stamps of tasks the signature found up to date (the survey, before anything
 * ran, holding the lock).
 */
export async function judgeTasks(options: JudgeOptions, state: GateState, all: readonly Task[], learn = false, vouch?: Vouch): Promise<UpToDateVerdict[]> {
  // A task without outputs always runs (nothing on disk shows it was done): no need to sign it.
  const tasks = all.filter((task) => task.outputs.length > 0);
  if (tasks.length < all.length) {
    const judged = tasks.length === 0 ? [] : await judgeTasks(options, state, tasks, learn, vouch);
    const byTask = new Map(tasks.map((task, index) => [task, judged[index] as UpToDateVerdict]));
    return all.map((task) => byTask.get(task) ?? { key: String(task.id), upToDate: false, reason: 'no outputs' });
  }
  const keys: string[] = [];
  for (let i = 0; i < tasks.length; i += 1) keys.push(makeTaskKey(tasks[i] as Task));
  // Neither forced nor missing a deleted temporary, and vouched for by the snapshot.
  const vouched: boolean[] = [];
  if (vouch !== undefined) {
    for (let i = 0; i < tasks.length; i += 1) {
      const task = tasks[i] as Task;
      vouched.push(!isForced(options, task, keys[i] as string) && (state.deletedByTask.get(task.id)?.size ?? 0) === 0 && vouch(task));
    }
  }
  const learnedStamps = readLearnedStamps(options.store, vouch === undefined ? keys : keys.filter((_, i) => vouched[i] !== true));
  const verdicts: (UpToDateVerdict | undefined)[] = [];
  // The tasks whose verdict needs their signature, with the output stats already taken.
  const pending: (Omit<UpToDateQuery, 'signature'> & { readonly task: Task; readonly key: string })[] = [];
  const pendingAt: number[] = [];
  for (let i = 0; i < tasks.length; i += 1) {
    const task = tasks[i] as Task;
    const key = keys[i] as string;
    if (isForced(options, task, key)) {
      state.unsigned.add(task.id);
      verdicts.push({ key, upToDate: false, reason: 'forced' });
      continue;
    }
    if (vouched[i] === true) {
      if (state.unsigned.size > 0) state.unsigned.delete(task.id);
      verdicts.push({ key, upToDate: true });
      continue;
    }
    const deleted = state.deletedByTask.get(task.id);
    if (deleted === undefined || deleted.size === 0) {
      const success = learnedStamps.get(key);
      if (success !== undefined && isConfirmedByStamps(options, state, task, success)) {
        if (state.unsigned.size > 0) state.unsigned.delete(task.id);
        verdicts.push({ key, upToDate: true });
        continue;
      }
    }
    const outputStats = statOutputs(task, options.observeOutputs);
    const missing = findMissingOutput(task, outputStats, deleted);
    if (missing !== undefined) {
      state.unsigned.add(task.id);
      verdicts.push({ key, upToDate: false, reason: 'output missing', path: missing });
      continue;
    }
    if (state.unsigned.size > 0) state.unsigned.delete(task.id);
    pending.push({ task, key, deleted, outputStats });
    pendingAt.push(i);
    verdicts.push(undefined);
  }
  if (pending.length === 0) return verdicts as UpToDateVerdict[];
  const signables = pending.map((query) => toSignable(query.task));
  const signed = await signTasks(options.cache, signables);
  const queries: UpToDateQuery[] = [];
  for (let i = 0; i < pending.length; i += 1) {
    const query = pending[i] as (typeof pending)[number];
    const signature = signed[i] as Signature;
    state.signatures.set(query.task.id, signature);
    queries.push({ task: query.task, deleted: query.deleted, outputStats: query.outputStats, signature });
  }
  const judged = checkUpToDate(options.store, queries, options.observeOutputs);
  const learned: LearnedStamps[] = [];
  for (let i = 0; i < judged.length; i += 1) {
    const verdict = judged[i] as UpToDateVerdict;
    verdicts[pendingAt[i] as number] = verdict;
    if (!learn || !verdict.upToDate || options.trustedInputs === undefined) continue;
    const query = pending[i] as (typeof pending)[number];
    if (query.deleted !== undefined && query.deleted.size > 0) continue;
    const stats = statsToLearn(query.task, options.trustedInputs, query.outputStats ?? []);
    if (stats === undefined) continue;
    const signature = (signed[i] as Signature).value;
    learned.push({ key: query.key, signature, definition: defineTask(signables[i] as SignableTask), stamps: encodeTaskStamps(stats) });
  }
  recordTaskStamps(options.store, learned);
  return verdicts as UpToDateVerdict[];
}

// A task's learned stamps vouch for it while its definition and every file's stamp are as
// recorded (freshness/task-stamps.ts).
function isConfirmedByStamps(options: JudgeOptions, state: GateState, task: Task, success: LearnedSuccess): boolean {
  const words = decodeTaskStamps(success.stamps, task);
  if (words === undefined) return false;
  state.check ??= createStampCheck(options.store.dbPath);
  if (!confirmTaskStamps(task, words, state.check)) return false;
  if (defineTask(toSignable(task)) !== success.definition) return false;
  options.observeConfirmed?.set(task.id, words);
  return true;
}

/** Signs tasks for the gate and remembers their signatures. */
export async function signForGate(options: JudgeOptions, state: GateState, tasks: readonly Task[], known?: ReadonlyMap<string, string>): Promise<Signature[]> {
  const signed = await signTasks(options.cache, tasks.map(toSignable), known);
  for (let i = 0; i < tasks.length; i += 1) state.signatures.set((tasks[i] as Task).id, signed[i] as Signature);
  return signed;
}

// How a shell script runs, in its signature: `sh()` steps and `sluice map --shell` tasks signed
// before they ran with bash strict (by /bin/sh) run once more, since what they made may hide a
// failure.
const STRICT_BASH = `bash ${BASH_STRICT_OPTIONS.join(' ')}`;

// Parameters reach a command only through its expanded paths and arguments, which the signature
// covers already; a function step receives them all at run time, so they join its signature.
function toSignable(task: Task): SignableTask {
  if (task.action.kind === 'shell') {
    return { task, action: { kind: 'shell', script: task.action.script, shell: STRICT_BASH }, params: null, env: task.env };
  }
  if (task.action.kind !== 'function') return { task, action: task.action, params: null, env: task.env };
  const { source, modules } = task.action;
  const action: SignedAction = modules === undefined ? { kind: 'function', source } : { kind: 'function', source, modules };
  return { task, action, params: task.params ?? null, env: task.env };
}

// A task of a step named by `--force` runs once a run: not again in a later round (directory()).
function isForced(options: JudgeOptions, task: Task, key: string): boolean {
  return options.forcedSteps?.has(task.step) === true && options.unforced?.has(key) !== true;
}
