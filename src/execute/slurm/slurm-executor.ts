import path from 'node:path';
import type { SlurmStepOptions } from '../../plan/define-pipeline.ts';
import type { Task } from '../../kernel/task.ts';
import { debugLog } from '../../process/debug-log.ts';
import { DEFAULT_KILL_GRACE_MS } from '../../process/track-termination.ts';
import { makeTaskKey } from '../../state/freshness/task-key.ts';
import type { Attempt, AttemptOutcome, Executor } from '../executor.ts';
import type { Adoptable } from './adopt-jobs.ts';
import { createBatcher } from './batch-tasks.ts';
import { openSlurmRun, type SlurmRun } from './open-slurm-run.ts';
import { createPacker, type Packer } from './pack-tasks.ts';
import { capacityFor } from './parse-sinfo.ts';
import { createBatchSender } from './send-batch.ts';
import { holdAtSubmitLimit } from './hold-at-submit-limit.ts';
import type { SlurmClient } from './slurm-client.ts';
import { SLURM_DEFAULTS } from './slurm-options.ts';
import { SLURM_TRAITS } from './slurm-traits.ts';
import { createStepDurations, type StepDurations } from './step-durations.ts';
import { batchKeyOf, shapeOf, type TaskShape } from './task-shape.ts';
import { jobOutputPath, markerPathOf, taskFileName } from './task-files.ts';
import { createJobWatcher, type JobWatcher, type JobWatcherOptions, type WatchedAttempt } from './watch-jobs.ts';

export interface SlurmExecutorOptions {
  /** The folder whose `.sluice/` holds state, logs and `.sluice/slurm/`. */
  readonly root: string;
  readonly runId: string;
  /** The run's log folder (the node writes each attempt's logs there, as locally). */
  readonly logDir: string;
  /** Records a success; called once the marker says the outputs are in place. */
  readonly commit: (task: Task, attempt: number, startedAt: number, endedAt: number) => void | Promise<void>;
  /** Command-line options for every step (`--partition`, `--account`, `--sbatch-arg`). */
  readonly slurm?: SlurmStepOptions | undefined;
  /** Per-step options from the pipeline, by step name. */
  readonly steps?: ReadonlyMap<string, SlurmStepOptions | undefined>;
  readonly client?: SlurmClient;
  /** The argv that starts exec-task on a node (default: this Node and sluice). */
  readonly execTaskCommand?: readonly string[];
  readonly killGraceMs?: number | undefined;
  readonly stderrTailLines?: number | undefined;
  /** Tasks' standard output is printed from its capture once they end (LocalExecutorOptions). */
  readonly stdoutPrinted?: boolean | undefined;
  readonly batchWindowMs?: number;
  readonly pollMinMs?: number;
  readonly pollMaxMs?: number;
  readonly commandTimeoutMs?: number;
  readonly markerGraceMs?: number;
  readonly lostGraceMs?: number;
  readonly cancelGraceMs?: number;
  readonly maxArraySize?: number;
  /** The median wall time of a step's successes that earlier runs recorded (state DB). */
  readonly recordedDurationMs?: ((step: string) => number | undefined) | undefined;
  /** How long a submission the cluster's submit limit refused waits before it tries again. */
  readonly submitLimitWaitMs?: number;
  /** Work an array element should do when sluice packs tasks (SLURM_DEFAULTS.packTargetMs). */
  readonly packTargetMs?: number;
}

/**
 * Runs each task as a Slurm job that runs sluice on a compute node; ready tasks of one step and
 * shape go out together as job arrays, short tasks packed several to an array element
 * (pack-tasks.ts). Outcomes come from the node's marker and the job state.
 */
export async function createSlurmExecutor(options: SlurmExecutorOptions): Promise<Executor> {
  const run = await openSlurmRun(options);
  const durations = createStepDurations(options.recordedDurationMs);
  const late: { packer?: Packer } = {};
  // Each success tells how long the step's tasks take (a task that fails at once says nothing of the others).
  const watcher = watchRun(run, options, {
    onSettled: (attempt) => {
      const marker = attempt.marker;
      if (marker?.status !== 'succeeded') return;
      late.packer?.learn(attempt.task.step, marker.endedAt - marker.startedAt);
    },
    // Its element ended before its turn: it goes out again, as a task just handed over does.
    onRequeue: (attempt) => place(attempt),
  });
  const packer = packRun(run, options, watcher, durations);
  late.packer = packer;
  const batcher = createBatcher<WatchedAttempt>({
    windowMs: options.batchWindowMs ?? SLURM_DEFAULTS.batchWindowMs,
    maxSize: run.maxArraySize,
    send: (batch) => packer.take(batch),
  });
  const byTask = new Map<number, WatchedAttempt>();
  // The run starts no more tasks: what is not submitted yet never will be.
  let stopped = false;

  // A job of an earlier run that does this task's work is watched in its place; else the task
  // joins the batch of its shape.
  function place(watched: WatchedAttempt): void {
    const { task } = watched;
    if (stopped) {
      watcher.cancel(watched);
      return;
    }
    if (adoptEarlierJob(run, watcher, watched)) return;
    let shape: TaskShape;
    try {
      shape = shapeOf(task, options);
    } catch (error) {
      watcher.fail(watched, (error as Error).message);
      return;
    }
    batcher.add(batchKeyOf(task, shape), watched);
  }

  return {
    traits: SLURM_TRAITS,
    submit({ task, attempt }: Attempt): Promise<AttemptOutcome> {
      const taskFile = path.join(run.runDir, taskFileName(task.id, attempt));
      return new Promise<AttemptOutcome>((resolve) => {
        const watched = watcher.track({ task, attempt, key: makeTaskKey(task), taskFile, markerFile: markerPathOf(taskFile), resolve });
        byTask.set(task.id, watched);
        void watched.outcome.finally(() => {
          if (byTask.get(task.id) === watched) byTask.delete(task.id);
        });
        place(watched);
      });
    },
    cancel(taskId: number): void {
      const watched = byTask.get(taskId);
      if (watched === undefined) return;
      watcher.cancel(watched);
    },
    stopStarting(): void {
      stopped = true;
      for (const watched of byTask.values()) if (watched.state === 'waiting') watcher.cancel(watched);
    },
    async shutdown(): Promise<void> {
      batcher.close();
      packer.close();
      const leftovers = run.adoptable.unclaimed();
      if (leftovers.length > 0) {
        debugLog('slurm', `cancelling ${leftovers.length} job(s) of earlier runs that this run did not need`);
        await run.client.cancel(leftovers.map((entry) => entry.job));
      }
      await watcher.close();
    },
  };
}

// A job of an earlier run (killed while its jobs ran) that does this task's work: watched in
// place of a new submission. False when there is none.
function adoptEarlierJob(run: SlurmRun, watcher: JobWatcher, watched: WatchedAttempt): boolean {
  const { task } = watched;
  const adopted: Adoptable | undefined = run.adoptable.take(task);
  if (adopted === undefined) return false;
  debugLog('slurm', `task ${task.id} (${task.step}): picking up job ${adopted.entry.job} of run ${adopted.entry.runId}`);
  watched.taskFile = adopted.entry.taskFile;
  watched.markerFile = markerPathOf(adopted.entry.taskFile);
  watcher.watch(watched, adopted.entry.job, jobOutputPath(path.dirname(adopted.entry.taskFile), adopted.entry.job), adopted.entry.submittedAt);
  return true;
}

// Polls the run's jobs, its options' limits over the defaults; ended jobs leave the ledger.
function watchRun(
  run: SlurmRun,
  options: SlurmExecutorOptions,
  on: Pick<JobWatcherOptions, 'onSettled' | 'onRequeue'>,
): JobWatcher {
  return createJobWatcher({
    ...on,
    client: run.client,
    commit: options.commit,
    onEnded: (jobs) => run.ledger.ended(jobs),
    pollMinMs: options.pollMinMs ?? SLURM_DEFAULTS.pollMinMs,
    pollMaxMs: options.pollMaxMs ?? SLURM_DEFAULTS.pollMaxMs,
    limits: {
      markerGraceMs: options.markerGraceMs ?? SLURM_DEFAULTS.markerGraceMs,
      lostGraceMs: options.lostGraceMs ?? SLURM_DEFAULTS.lostGraceMs,
      cancelGraceMs: options.cancelGraceMs ?? SLURM_DEFAULTS.cancelGraceMs,
      maxRequeues: SLURM_DEFAULTS.maxRequeues,
    },
    stderrTailLines: options.stderrTailLines ?? 10,
  });
}

// Cuts the run's batches into array elements and sends them.
function packRun(run: SlurmRun, options: SlurmExecutorOptions, watcher: JobWatcher, durations: StepDurations): Packer {
  const sendBatch = holdAtSubmitLimit(createBatchSender(run, options, watcher), watcher, options.submitLimitWaitMs ?? SLURM_DEFAULTS.submitLimitWaitMs);
  return createPacker({
    targetMs: options.packTargetMs ?? SLURM_DEFAULTS.packTargetMs,
    tickMs: SLURM_DEFAULTS.packTickMs,
    timeMarginMs: SLURM_DEFAULTS.timeMarginMinutes * 60_000,
    killGraceMs: options.killGraceMs ?? DEFAULT_KILL_GRACE_MS,
    durations,
    shapeOf: (attempt) => shapeOf(attempt.task, options),
    capacityOf: (attempt, shape) => capacityOfShape(run, attempt.task, shape),
    send: (packs) => void sendBatch.send(packs),
    maxArraySize: run.maxArraySize,
    readMarkers: () => watcher.readMarkers(),
  });
}

// Tasks of this shape the cluster runs at once: the CPUs of the partition(s) it goes to over the
// task's cpus (sinfo); a guess when sinfo did not answer.
function capacityOfShape(run: SlurmRun, task: Task, shape: TaskShape): { slots: number; maxTimeMs: number | undefined } {
  const capacity = run.partitions === undefined ? undefined : capacityFor(run.partitions, shape.slurm.partition ?? partitionInArgs(shape.slurm.args));
  if (capacity === undefined) return { slots: SLURM_DEFAULTS.slotsWhenUnknown, maxTimeMs: undefined };
  return { slots: Math.max(1, Math.floor(capacity.cpus / Math.max(1, task.resources.cpus))), maxTimeMs: capacity.maxTimeMs };
}

// `--partition=P`, `--partition P`, `-p P` or `-pP` among the sbatch arguments passed through.
function partitionInArgs(args: readonly string[] | undefined): string | undefined {
  let found: string | undefined;
  (args ?? []).forEach((arg, index) => {
    const inline = /^(?:--partition=|-p)(.+)$/.exec(arg);
    if (inline !== null) found = inline[1];
    else if (arg === '--partition' || arg === '-p') found = args?.[index + 1];
  });
  return found;
}
