import type { Task } from '../kernel/task.ts';
import type { OutputObserver, UpToDateVerdict } from '../state/freshness/check-up-to-date.ts';
import type { Signature } from '../state/freshness/compute-signature.ts';
import type { HashCache } from '../state/hashes/hash-cache.ts';
import type { StateStore } from '../state/store/open-store.ts';
import { createGateState, findDeletedOutputs, judgeTasks, signForGate, type JudgeOptions, type Vouch } from './judge-tasks.ts';
import { remakeNeededTemporaries, settleVerdicts } from './settle-verdicts.ts';

/** Why a task will run, or that it will not. */
export type Verdict = UpToDateVerdict | { readonly upToDate: false; readonly reason: 'upstream runs'; readonly path: string };

export interface UpToDateGate {
  /**
   * One batch over the whole plan before anything runs: which tasks are up to date along with
   * everything they need, and a verdict per task for `--explain` and `status`.
   */
  survey(tasks: readonly Task[], dependencies: ReadonlyMap<number, readonly number[]>, vouch?: Vouch): Promise<Survey>;
  /**
   * For the scheduler, once a task's inputs exist: must it run? Remembers its signature. Answered
   * at once (no promise) when there is nothing to judge or sign: a task whose signing is deferred,
   * or one already signed.
   */
  decide(task: Task): boolean | Promise<boolean>;
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
  /** Keys of tasks of those steps that ran in an earlier round of this run: not forced again. */
  readonly unforced?: ReadonlySet<string> | undefined;
  /** Tasks the user asked for by name: a temporary output of theirs that was deleted is missing. */
  readonly targets?: ReadonlySet<number> | undefined;
  /** Given: receives the stat of every output the gate stat'ed, by absolute path. */
  readonly observeOutputs?: OutputObserver | undefined;
  /** The hash cache's trusted inputs: the survey learns tasks' stamps from them (judge-tasks.ts). */
  readonly trustedInputs?: JudgeOptions['trustedInputs'];
  /** Given: receives the stamps' words of every task confirmed by them, by task id. */
  readonly observeConfirmed?: Map<number, Int32Array>;
  /**
   * Tasks that must run whatever their inputs hold (forced, an output missing) and that are
   * signed after they ran rather than before, with input hashes their executor took as it read
   * them: a first run then reads each input once, on the thread that runs its task.
   */
  readonly deferSigning?: (task: Task) => boolean;
}

/** Up-to-date decisions for a run: a batch survey first, then per task as inputs appear. */
export function createUpToDateGate(options: GateOptions): UpToDateGate {
  const state = createGateState();
  const judgeAgain = async (task: Task): Promise<boolean> => {
    // Re-judged with its outputs on disk as they are now: a deleted temporary it must remake is
    // then simply missing.
    state.deletedByTask.delete(task.id);
    const [verdict] = await judgeTasks(options, state, [task]);
    if (verdict?.upToDate === true) return false;
    if (state.unsigned.delete(task.id)) {
      if (options.deferSigning?.(task) === true) {
        state.deferred.add(task.id);
        return true;
      }
      await signForGate(options, state, [task]);
    }
    return true;
  };
  return {
    async survey(tasks, dependencies, vouch) {
      state.deletedByTask = findDeletedOutputs(options, tasks);
      // Only here: a task judged again (its upstream ran) is judged on what is on disk then.
      const own = await judgeTasks(options, state, tasks, options.trustedInputs !== undefined, vouch);
      const survey = settleVerdicts(tasks, dependencies, own, state.undecided);
      remakeNeededTemporaries(tasks, dependencies, survey.upToDate, survey.verdicts, state.deletedByTask, state.undecided);
      // A task judged unsigned (forced, or an output missing: only it makes its outputs) runs
      // whatever its upstream remakes: judging it again could only say so again (a first run's
      // downstream tasks, decided at once, without a stat of their outputs and a turn each).
      for (const id of state.unsigned) state.undecided.delete(id);
      return survey;
    },
    decide(task) {
      if (state.undecided.has(task.id)) return judgeAgain(task);
      if (!state.unsigned.has(task.id)) return true;
      try {
        if (options.deferSigning?.(task) === true) {
          state.unsigned.delete(task.id);
          state.deferred.add(task.id);
          return true;
        }
      } catch (error) {
        return Promise.reject(error);
      }
      state.unsigned.delete(task.id);
      return signForGate(options, state, [task]).then(() => true);
    },
    signatureOf: (taskId) => state.signatures.get(taskId),
    isDeferred: (taskId) => state.deferred.has(taskId),
    async sign(task, known) {
      const [signature] = await signForGate(options, state, [task], known);
      state.deferred.delete(task.id);
      return signature as Signature;
    },
  };
}
