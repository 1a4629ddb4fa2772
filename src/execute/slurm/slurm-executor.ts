import fs from 'node:fs';
import path from 'node:path';
import type { SlurmStepOptions } from '../../plan/define-pipeline.ts';
import type { Task } from '../../kernel/task.ts';
import { debugLog } from '../../process/debug-log.ts';
import type { Attempt, AttemptOutcome, Executor, ExecutorTraits } from '../executor.ts';
import { createBatcher, type Batch } from './batch-tasks.ts';
import { timeLimitMinutes, toSlurmMemory } from './build-sbatch-argv.ts';
import { findAdoptable, type Adoptable } from './adopt-jobs.ts';
import { execTaskCommand, renderJobScript } from './job-script.ts';
import { openJobLedger } from './job-ledger.ts';
import { createJobWatcher, type WatchedAttempt } from './watch-jobs.ts';
import { createSlurmClient, type SlurmClient } from './slurm-client.ts';
import { mergeSlurmOptions, SLURM_DEFAULTS } from './slurm-options.ts';
import { jobOutputPath, markerPathOf, taskFileName, type TaskFile } from './task-files.ts';
import { pruneSlurmRuns } from './prune-slurm-runs.ts';
import { runSlurmDir, slurmDirOf } from './slurm-paths.ts';
import { makeTaskKey } from '../../state/freshness/task-key.ts';
import { bug } from '../../errors.ts';
import { readLogLimits } from '../../state/logs/log-limits.ts';
import { writeFileAtomically } from '../../kernel/write-atomically.ts';

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
}

const TRAITS: ExecutorTraits = { name: 'slurm', printsStdout: true };

/**
 * Runs each task as a Slurm job that runs sluice on a compute node; ready tasks of one step and
 * shape go out together as job arrays. Outcomes come from the node's marker and the job state.
 */
export async function createSlurmExecutor(options: SlurmExecutorOptions): Promise<Executor> {
  const client =
    options.client ?? createSlurmClient({ commandTimeoutMs: options.commandTimeoutMs ?? SLURM_DEFAULTS.commandTimeoutMs, submitRetries: SLURM_DEFAULTS.submitRetries });
  const runDir = runSlurmDir(options.root, options.runId);
  const streamCapBytes = readLogLimits().streamBytes;
  fs.mkdirSync(runDir, { recursive: true });
  const script = path.join(runDir, 'job.sh');
  writeFileAtomically(script, renderJobScript(options.execTaskCommand ?? execTaskCommand(), options.runId));
  fs.chmodSync(script, 0o755);
  const ledger = openJobLedger(path.join(slurmDirOf(options.root), 'jobs.jsonl'));
  const adoptable = await findAdoptable(ledger, client);
  ledger.compact();
  pruneSlurmRuns(slurmDirOf(options.root), SLURM_DEFAULTS.keepRuns, new Set([options.runId, ...[...ledger.live.values()].map((entry) => entry.runId)]));
  const maxArraySize = options.maxArraySize ?? (await client.maxArraySize()) ?? SLURM_DEFAULTS.maxArraySize;
  const watcher = createJobWatcher({
    client,
    commit: options.commit,
    onEnded: (jobs) => ledger.ended(jobs),
    pollMinMs: options.pollMinMs ?? SLURM_DEFAULTS.pollMinMs,
    pollMaxMs: options.pollMaxMs ?? SLURM_DEFAULTS.pollMaxMs,
    limits: {
      markerGraceMs: options.markerGraceMs ?? SLURM_DEFAULTS.markerGraceMs,
      lostGraceMs: options.lostGraceMs ?? SLURM_DEFAULTS.lostGraceMs,
      cancelGraceMs: options.cancelGraceMs ?? SLURM_DEFAULTS.cancelGraceMs,
    },
    stderrTailLines: options.stderrTailLines ?? 10,
  });
  let batchCount = 0;
  const batcher = createBatcher<WatchedAttempt>({
    windowMs: options.batchWindowMs ?? SLURM_DEFAULTS.batchWindowMs,
    maxSize: maxArraySize,
    send: (batch) => void sendBatch(batch),
  });
  const byTask = new Map<number, WatchedAttempt>();

  async function sendBatch(batch: Batch<WatchedAttempt>): Promise<void> {
    const attempts = batch.items.filter((attempt) => attempt.state === 'waiting');
    if (attempts.length === 0) return;
    const first = attempts[0] as WatchedAttempt;
    const shape = shapeOf(first.task);
    const number = ++batchCount;
    const list = path.join(runDir, `batch-${number}.json`);
    // Consecutive tasks share an array job when the step asks for several tasks per job.
    const perJob = shape.slurm.tasksPerJob ?? 1;
    const packs: WatchedAttempt[][] = [];
    for (let at = 0; at < attempts.length; at += perJob) packs.push(attempts.slice(at, at + perJob));
    const array = packs.length > 1;
    for (const attempt of attempts) watcher.submitting(attempt);
    try {
      for (const attempt of attempts) writeTaskFile(attempt);
      writeFileAtomically(list, JSON.stringify(packs.map((pack) => pack.map((attempt) => path.basename(attempt.taskFile)))));
      const job = await client.submit({
        jobName: `sluice-${first.task.step}`,
        script,
        scriptArgs: ['--batch', list],
        chdir: options.root,
        output: path.join(runDir, array ? 'job-%A_%a.out' : 'job-%j.out'),
        arraySize: array ? packs.length : undefined,
        cpus: first.task.resources.cpus,
        memory: shape.memory,
        timeLimitMinutes: timeLimitMinutes(
          first.task.resources.timeoutMs === undefined ? undefined : first.task.resources.timeoutMs * perJob,
          SLURM_DEFAULTS.timeMarginMinutes,
        ),
        partition: shape.slurm.partition,
        account: shape.slurm.account,
        extraArgs: shape.slurm.args,
      });
      debugLog('slurm', `batch ${number}: ${attempts.length} task(s) of ${first.task.step} → job ${job}`);
      const submittedAt = Date.now();
      packs.forEach((pack, index) => {
        const id = array ? `${job}_${index}` : job;
        for (const attempt of pack) watcher.watch(attempt, id, jobOutputPath(runDir, id), submittedAt);
      });
      ledger.submitted(
        attempts.map((attempt) => ({ key: attempt.key, job: attempt.jobId as string, taskFile: attempt.taskFile, runId: options.runId, submittedAt })),
      );
    } catch (error) {
      for (const attempt of attempts) watcher.fail(attempt, (error as Error).message);
    }
  }

  function writeTaskFile(attempt: WatchedAttempt): void {
    const spec: TaskFile = {
      version: 1,
      runId: options.runId,
      logDir: options.logDir,
      attempt: attempt.attempt,
      task: attempt.task,
      killGraceMs: options.killGraceMs,
      stderrTailLines: options.stderrTailLines,
      // The submitting sluice's cap, whatever environment the job gets.
      streamCapBytes,
      stdoutPrinted: options.stdoutPrinted,
    };
    fs.writeFileSync(attempt.taskFile, JSON.stringify(spec));
  }

  function shapeOf(task: Task): { memory: string | undefined; slurm: SlurmStepOptions } {
    const memory = task.resources.memory === undefined ? undefined : toSlurmMemory(task.resources.memory);
    if (task.resources.memory !== undefined && memory === undefined) {
      // The planner refuses such a step (normalize-step.ts): a task that still has one was not planned.
      bug(`Task ${task.id} of step \`${task.step}\` reached Slurm with \`memory\` \`${task.resources.memory}\`, which planning refuses`);
    }
    return { memory, slurm: mergeSlurmOptions(options.slurm, options.steps?.get(task.step)) };
  }

  return {
    traits: TRAITS,
    submit({ task, attempt }: Attempt): Promise<AttemptOutcome> {
      const taskFile = path.join(runDir, taskFileName(task.id, attempt));
      const key = makeTaskKey(task);
      return new Promise<AttemptOutcome>((resolve) => {
        const watched = watcher.track({ task, attempt, key, taskFile, markerFile: markerPathOf(taskFile), resolve });
        byTask.set(task.id, watched);
        void watched.outcome.finally(() => {
          if (byTask.get(task.id) === watched) byTask.delete(task.id);
        });
        const adopted: Adoptable | undefined = adoptable.take(task);
        if (adopted !== undefined) {
          debugLog('slurm', `task ${task.id} (${task.step}): picking up job ${adopted.entry.job} of run ${adopted.entry.runId}`);
          watched.taskFile = adopted.entry.taskFile;
          watched.markerFile = markerPathOf(adopted.entry.taskFile);
          watcher.watch(watched, adopted.entry.job, jobOutputPath(path.dirname(adopted.entry.taskFile), adopted.entry.job), adopted.entry.submittedAt);
          return;
        }
        let shape: ReturnType<typeof shapeOf>;
        try {
          shape = shapeOf(task);
        } catch (error) {
          watcher.fail(watched, (error as Error).message);
          return;
        }
        const batchKey = JSON.stringify([task.step, task.resources.cpus, shape.memory, task.resources.timeoutMs ?? null, shape.slurm]);
        batcher.add(batchKey, watched);
      });
    },
    cancel(taskId: number): void {
      const watched = byTask.get(taskId);
      if (watched === undefined) return;
      watcher.cancel(watched);
    },
    async shutdown(): Promise<void> {
      batcher.close();
      const leftovers = adoptable.unclaimed();
      if (leftovers.length > 0) {
        debugLog('slurm', `cancelling ${leftovers.length} job(s) of earlier runs that this run did not need`);
        await client.cancel(leftovers.map((entry) => entry.job));
      }
      await watcher.close();
    },
  };
}
