import fs from 'node:fs';
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

/** Why a task will run, or that it will not. */
export type Verdict = UpToDateVerdict | { readonly upToDate: false; readonly reason: 'upstream runs'; readonly path: string };

export interface UpToDateGate {
  /**
   * One batch over the whole plan before anything runs: which tasks are up to date along with
   * everything they need, and a verdict per task for `--explain` and `status`.
   */
  survey(tasks: readonly Task[], dependencies: ReadonlyMap<number, readonly number[]>): Promise<Survey>;
  /** For the scheduler, once a task's inputs exist: must it run? Remembers its signature. */
  decide(task: Task): Promise<boolean>;
  /** The signature computed for a task that is about to run. */
  signatureOf(taskId: number): Signature | undefined;
  /**
   * Whether the task runs unsigned (`deferSigning`): it is signed once it has run, by `sign`,
   * with the hashes its inputs had as it read them.
   */
  isDeferred(taskId: number): boolean;
  /** Signs a task whose signing was deferred; `known`: input hashes by absolute path. */
  sign(task: Task, known?: ReadonlyMap<string, string>): Promise<Signature>;
}

export interface Survey {
  readonly upToDate: ReadonlySet<number>;
  readonly verdicts: ReadonlyMap<number, Verdict>;
}

export interface GateOptions {
  readonly store: StateStore;
  readonly cache: HashCache;
  /** Steps named by `--force`. */
  readonly forcedSteps?: ReadonlySet<string>;
  /** Tasks the user asked for by name: a temporary output of theirs that was deleted is missing. */
  readonly targets?: ReadonlySet<number> | undefined;
  /** Given: receives the stamp of every output the gate stat'ed, by absolute path. */
  readonly observeOutputs?: Map<string, string>;
  /**
   * Tasks that must run whatever their inputs hold (forced, an output missing) and that are
   * signed after they ran rather than before, with input hashes their executor took as it read
   * them: a first run then reads each input once, on the thread that runs its task.
   */
  readonly deferSigning?: (task: Task) => boolean;
}

/** Up-to-date decisions for a run: a batch survey first, then per task as inputs appear. */
export function createUpToDateGate(options: GateOptions): UpToDateGate {
  const signatures = new Map<number, Signature>();
  // Only a task whose upstream ran can have inputs the survey did not see.
  const undecided = new Set<number>();
  // Tasks judged without their signature (forced, or an output missing: they run whatever their
  // inputs hold). They are signed when they are about to run, so a first run over a large data
  // set starts its first task at once instead of hashing every input first.
  const unsigned = new Set<number>();
  // Tasks running unsigned, to be signed once they ran (deferSigning).
  const deferred = new Set<number>();
  const forced = (task: Task): boolean => options.forcedSteps?.has(task.step) ?? false;
  // Outputs of temporary steps that sluice deleted, by task: absent, yet not "missing".
  const deletedOutputs = (tasks: readonly Task[]): Map<number, Set<string>> => {
    const temporary = tasks.filter((task) => task.temporary === true && options.targets?.has(task.id) !== true);
    if (temporary.length === 0) return new Map();
    const absolute = temporary.flatMap((task) => task.outputs.map((output) => path.resolve(task.cwd, output)));
    const deleted = readDeletedTemporaries(options.store, absolute);
    return new Map(
      temporary.map((task) => [task.id, new Set(task.outputs.filter((output) => deleted.has(path.resolve(task.cwd, output))))]),
    );
  };
  let deletedByTask = new Map<number, Set<string>>();

  const judge = async (all: readonly Task[]): Promise<UpToDateVerdict[]> => {
    // A task without outputs always runs (nothing on disk shows it was done): no need to sign it.
    const tasks = all.filter((task) => task.outputs.length > 0);
    if (tasks.length < all.length) {
      const judged = tasks.length === 0 ? [] : await judge(tasks);
      const byTask = new Map(tasks.map((task, index) => [task, judged[index] as UpToDateVerdict]));
      return all.map((task) => byTask.get(task) ?? { key: String(task.id), upToDate: false, reason: 'no outputs' });
    }
    const verdicts: (UpToDateVerdict | undefined)[] = [];
    // The tasks whose verdict needs their signature, with the output stats already taken.
    const pending: (Omit<UpToDateQuery, 'signature'> & { readonly task: Task })[] = [];
    const pendingAt: number[] = [];
    for (let i = 0; i < tasks.length; i += 1) {
      const task = tasks[i] as Task;
      if (forced(task)) {
        unsigned.add(task.id);
        verdicts.push({ key: makeTaskKey(task), upToDate: false, reason: 'forced' });
        continue;
      }
      const deleted = deletedByTask.get(task.id);
      const outputStats = statOutputs(task, options.observeOutputs);
      const missing = findMissingOutput(task, outputStats, deleted);
      if (missing !== undefined) {
        unsigned.add(task.id);
        verdicts.push({ key: makeTaskKey(task), upToDate: false, reason: 'output missing', path: missing });
        continue;
      }
      unsigned.delete(task.id);
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
      signatures.set(query.task.id, signature);
      queries.push({ ...query, signature });
    }
    const judged = checkUpToDate(options.store, queries, options.observeOutputs);
    for (let i = 0; i < judged.length; i += 1) verdicts[pendingAt[i] as number] = judged[i];
    return verdicts as UpToDateVerdict[];
  };

  return {
    async survey(tasks, dependencies) {
      deletedByTask = deletedOutputs(tasks);
      const own = await judge(tasks);
      const verdicts = new Map<number, Verdict>();
      const upToDate = new Set<number>();
      const byId = new Map<number, number>();
      for (let i = 0; i < tasks.length; i += 1) byId.set((tasks[i] as Task).id, i);
      // A task is up to date only if everything it needs is: settle tasks in dependency order.
      const settle = (task: Task): Verdict => {
        const known = verdicts.get(task.id);
        if (known !== undefined) return known;
        let verdict: Verdict = own[byId.get(task.id) as number] as UpToDateVerdict;
        const needs = dependencies.get(task.id) ?? [];
        for (let i = 0; i < needs.length; i += 1) {
          const need = needs[i] as number;
          const index = byId.get(need);
          if (index === undefined) continue;
          const needed = tasks[index] as Task;
          if (settle(needed).upToDate) continue;
          // Its inputs will be remade: judge it again, with their new content, when it is ready.
          undecided.add(task.id);
          if (verdict.upToDate) verdict = { upToDate: false, reason: 'upstream runs', path: needed.outputs[0] ?? needed.step };
        }
        verdicts.set(task.id, verdict);
        if (verdict.upToDate) upToDate.add(task.id);
        return verdict;
      };
      for (let i = 0; i < tasks.length; i += 1) settle(tasks[i] as Task);
      remakeNeededTemporaries(tasks, dependencies, upToDate, verdicts, deletedByTask, undecided);
      return { upToDate, verdicts };
    },
    async decide(task) {
      if (undecided.has(task.id)) {
        // Re-judged with its outputs on disk as they are now: a deleted temporary it must remake
        // is then simply missing.
        deletedByTask.delete(task.id);
        const [verdict] = await judge([task]);
        if (verdict?.upToDate === true) return false;
      }
      if (unsigned.delete(task.id)) {
        if (options.deferSigning?.(task) === true) {
          deferred.add(task.id);
          return true;
        }
        const [signature] = await signTasks(options.cache, [toSignable(task)]);
        signatures.set(task.id, signature as Signature);
      }
      return true;
    },
    signatureOf: (taskId) => signatures.get(taskId),
    isDeferred: (taskId) => deferred.has(taskId),
    async sign(task, known) {
      const [signature] = await signTasks(options.cache, [toSignable(task)], known);
      signatures.set(task.id, signature as Signature);
      deferred.delete(task.id);
      return signature as Signature;
    },
  };
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

/**
 * A temporary step whose outputs were deleted is up to date only while every task that reads
 * them is: as soon as one consumer must run, the intermediate has to be made again first.
 */
function remakeNeededTemporaries(
  tasks: readonly Task[],
  dependencies: ReadonlyMap<number, readonly number[]>,
  upToDate: Set<number>,
  verdicts: Map<number, Verdict>,
  deletedByTask: ReadonlyMap<number, ReadonlySet<string>>,
  undecided: Set<number>,
): void {
  if (deletedByTask.size === 0) return;
  const consumers = new Map<number, number[]>();
  for (const [id, needs] of dependencies) for (const need of needs) addTo(consumers, need, id);
  const byId = new Map(tasks.map((task) => [task.id, task]));
  let changed = true;
  while (changed) {
    changed = false;
    for (const [id, deleted] of deletedByTask) {
      if (deleted.size === 0 || !upToDate.has(id)) continue;
      const task = byId.get(id) as Task;
      const missing = task.outputs.find((output) => deleted.has(output) && !fs.existsSync(path.resolve(task.cwd, output)));
      if (missing === undefined) continue;
      const needy = (consumers.get(id) ?? []).filter((consumer) => byId.has(consumer) && !upToDate.has(consumer));
      if (needy.length === 0) continue;
      upToDate.delete(id);
      verdicts.set(id, { key: String(id), upToDate: false, reason: 'output missing', path: missing });
      for (const consumer of needy) undecided.add(consumer);
      changed = true;
    }
  }
}

// A push, not a copy per consumer: a task read by 10,000 others would cost 50 M copies.
function addTo(consumers: Map<number, number[]>, need: number, id: number): void {
  const list = consumers.get(need);
  if (list === undefined) consumers.set(need, [id]);
  else list.push(id);
}
