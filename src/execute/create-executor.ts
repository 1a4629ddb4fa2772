// Chooses the backend of a run and warms what it needs, from the traits each backend declares as
// data (local-traits.ts, slurm/slurm-traits.ts): the session reads those traits, not the backend.

import type { Task } from '../kernel/task.ts';
import type { SlurmStepOptions } from '../plan/define-pipeline.ts';
import { readLogLimits } from '../state/logs/log-limits.ts';
import type { CommitSuccess, Executor, ExecutorTraits } from './executor.ts';
import { LOCAL_TRAITS } from './local-traits.ts';
import { SLURM_TRAITS } from './slurm/slurm-traits.ts';
import { createWarmUp, type WarmUp, type WarmUpSettings } from './warm-up.ts';

/** Which backend runs the tasks. */
export type BackendChoice =
  | { readonly kind: 'local' }
  | {
      readonly kind: 'slurm';
      /** Command-line options for every step (`--partition`, `--account`, `--sbatch-arg`). */
      readonly options: SlurmStepOptions;
      /** Per-step options from the pipeline file. */
      readonly steps?: ReadonlyMap<string, SlurmStepOptions | undefined> | undefined;
    };

export interface BackendSettings extends WarmUpSettings {
  /** The folder whose `.sluice/` holds state and logs. */
  readonly root: string;
  readonly stderrTailLines?: number | undefined;
  /** Tasks' standard output is printed from its capture once they end: captures are left whole. */
  readonly stdoutPrinted?: boolean | undefined;
}

/** What the session hands a backend as it is made, once the run is recorded. */
export interface ExecutorContext {
  readonly runId: string;
  readonly logDir: string;
  /**
   * Records a success; `paths`: where the outputs are now, if not yet in their final place;
   * `digests`: the outputs' hashes, taken where they were written, for the tasks that read them;
   * `inputDigests`: the inputs' hashes, taken as the task read them (`inputsToHash`). The outputs
   * stay where they are until what it returns has resolved: successes are written in batches.
   */
  readonly commit: CommitSuccess;
  /** Indexes of a task's outputs that other tasks of the run read. */
  readonly outputsRead: (task: Task) => number[];
  /** Indexes of a function task's inputs that the thread running it should hash as it starts. */
  readonly inputsToHash: (task: Task) => number[];
  /** The median wall time of a step's successes recorded by earlier runs (the Slurm executor packs by it). */
  readonly recordedDurationMs?: ((step: string) => number | undefined) | undefined;
}

/** A backend chosen and not yet made: its traits, known before its module is loaded. */
export interface ChosenExecutor {
  readonly traits: ExecutorTraits;
  /** The first sign that tasks will run: what the backend runs here starts booting. Idempotent. */
  warm(): void;
  /** Loads the backend and makes it. */
  create(context: ExecutorContext): Promise<Executor>;
  /** Closes what warm() started and the executor did not take over; after the executor's shutdown. */
  close(): Promise<void>;
}

export function chooseExecutor(choice: BackendChoice, settings: BackendSettings): ChosenExecutor {
  const traits = choice.kind === 'slurm' ? SLURM_TRAITS : LOCAL_TRAITS;
  const warmUp = createWarmUp(traits, settings);
  return {
    traits,
    warm: warmUp.warm,
    create: (context) => (choice.kind === 'slurm' ? createSlurm(choice, settings, context) : createLocal(settings, context, warmUp)),
    close: warmUp.close,
  };
}

// Local processes and worker threads, loaded when a task is about to run.
async function createLocal(settings: BackendSettings, context: ExecutorContext, warmUp: WarmUp): Promise<Executor> {
  const [{ createLocalExecutor }, { createFunctionRunner }, runner] = await Promise.all([
    import('./local-executor.ts'),
    import('./worker/create-function-runner.ts'),
    warmUp.startFunctionRunner?.(),
  ]);
  return createLocalExecutor({
    // Asked for when the first command task is submitted.
    launcher: async () => {
      warmUp.handOverLauncher();
      return (await warmUp.startLauncher()).ready;
    },
    logDir: context.logDir,
    runTag: context.runId,
    stderrTailLines: settings.stderrTailLines,
    killGraceMs: settings.killGraceMs,
    streamCapBytes: readLogLimits().streamBytes,
    stdoutPrinted: settings.stdoutPrinted,
    onOutputsReady: ({ task, attempt }, { paths, startedAt, endedAt, digests, inputDigests }) =>
      context.commit(task, attempt, startedAt, endedAt, paths, digests, inputDigests),
    outputsToDigest: context.outputsRead,
    inputsToDigest: context.inputsToHash,
    createFunctionRunner: () => runner ?? createFunctionRunner({ threads: settings.jobs }),
    functionThreads: settings.jobs,
    // Eight a slot: a task that ends takes one, while sluice hands over the next; with that many
    // to spare, the launcher reports successes several at a time (sluice-launcher.py,
    // REPORT_DELAY): sluice and the launcher wake each other once for some six short tasks.
    commandsAhead: settings.jobs * 8,
  });
}

// Loaded only for --executor slurm: a local run does not pay for loading it.
async function createSlurm(choice: Extract<BackendChoice, { kind: 'slurm' }>, settings: BackendSettings, context: ExecutorContext): Promise<Executor> {
  const { createSlurmExecutor } = await import('./slurm/slurm-executor.ts');
  return createSlurmExecutor({
    root: settings.root,
    runId: context.runId,
    logDir: context.logDir,
    commit: context.commit,
    slurm: choice.options,
    steps: choice.steps,
    killGraceMs: settings.killGraceMs,
    stderrTailLines: settings.stderrTailLines,
    stdoutPrinted: settings.stdoutPrinted,
    recordedDurationMs: context.recordedDurationMs,
  });
}
