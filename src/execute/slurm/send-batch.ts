import fs from 'node:fs';
import path from 'node:path';
import { debugLog } from '../../process/debug-log.ts';
import { DEFAULT_KILL_GRACE_MS } from '../../process/track-termination.ts';
import { packedTimeoutMs, timeLimitMinutes } from './build-sbatch-argv.ts';
import type { SlurmRun } from './open-slurm-run.ts';
import type { SlurmExecutorOptions } from './slurm-executor.ts';
import { SLURM_DEFAULTS } from './slurm-options.ts';
import { SubmitLimitError } from './explain-sbatch-refusal.ts';
import { shapeOf } from './task-shape.ts';
import { writeFileAtomically } from '../../kernel/write-atomically.ts';
import { jobOutputPath, type TaskFile } from './task-files.ts';
import type { JobWatcher, WatchedAttempt } from './watch-jobs.ts';

/** How a submission went: out, failed (its attempts too), or refused for now by a submit limit (they wait again). */
export type SendResult = { readonly kind: 'sent' } | { readonly kind: 'limit'; readonly message: string };

/**
 * Submits packs of attempts of one shape as one job (an array job when there are several packs;
 * pack-tasks.ts cuts them), then hands each to the watcher; a submission that fails fails every
 * attempt of the batch, except when a submit limit refused it (hold-at-submit-limit.ts).
 */
export function createBatchSender(
  run: SlurmRun,
  options: SlurmExecutorOptions,
  watcher: JobWatcher,
): (packs: readonly WatchedAttempt[][]) => Promise<SendResult> {
  let batchCount = 0;
  return async (given) => {
    const packs = given.map((pack) => pack.filter((attempt) => attempt.state === 'waiting')).filter((pack) => pack.length > 0);
    const attempts = packs.flat();
    if (attempts.length === 0) return { kind: 'sent' };
    const first = attempts[0] as WatchedAttempt;
    const shape = shapeOf(first.task, options);
    const number = ++batchCount;
    const list = path.join(run.runDir, `batch-${number}.json`);
    // The element's time limit is the sum of its tasks' timeouts and kill graces (the largest pack's).
    const perJob = Math.max(...packs.map((pack) => pack.length));
    const array = packs.length > 1;
    for (const attempt of attempts) watcher.submitting(attempt);
    try {
      for (const attempt of attempts) writeTaskFile(attempt, run, options);
      writeFileAtomically(list, JSON.stringify(packs.map((pack) => pack.map((attempt) => path.basename(attempt.taskFile)))));
      const job = await run.client.submit({
        jobName: `sluice-${first.task.step}`,
        script: run.script,
        scriptArgs: ['--batch', list],
        chdir: options.root,
        output: path.join(run.runDir, array ? 'job-%A_%a.out' : 'job-%j.out'),
        arraySize: array ? packs.length : undefined,
        cpus: first.task.resources.cpus,
        memory: shape.memory,
        timeLimitMinutes: timeLimitMinutes(
          first.task.resources.timeoutMs === undefined ? undefined : packedTimeoutMs(first.task.resources.timeoutMs, perJob, options.killGraceMs ?? DEFAULT_KILL_GRACE_MS),
          SLURM_DEFAULTS.timeMarginMinutes,
        ),
        partition: shape.slurm.partition,
        account: shape.slurm.account,
        extraArgs: shape.slurm.args,
      });
      debugLog('slurm', `batch ${number}: ${attempts.length} task(s) of ${first.task.step} → job ${job}, ${packs.length} element(s)`);
      const submittedAt = Date.now();
      packs.forEach((pack, index) => {
        const id = array ? `${job}_${index}` : job;
        for (const attempt of pack) {
          if (pack.length > 1) attempt.packMates = pack;
          watcher.watch(attempt, id, jobOutputPath(run.runDir, id), submittedAt);
        }
      });
      run.ledger.submitted(
        attempts.map((attempt) => ({ key: attempt.key, job: attempt.jobId as string, taskFile: attempt.taskFile, runId: options.runId, submittedAt })),
      );
    } catch (error) {
      if (error instanceof SubmitLimitError) {
        for (const attempt of attempts) watcher.unsubmit(attempt);
        return { kind: 'limit', message: error.message };
      }
      for (const attempt of attempts) watcher.fail(attempt, (error as Error).message);
    }
    return { kind: 'sent' };
  };
}

// What the node's exec-task reads: the task, its attempt and how to log it.
function writeTaskFile(attempt: WatchedAttempt, run: SlurmRun, options: SlurmExecutorOptions): void {
  const spec: TaskFile = {
    version: 1,
    runId: options.runId,
    logDir: options.logDir,
    attempt: attempt.attempt,
    task: attempt.task,
    killGraceMs: options.killGraceMs,
    stderrTailLines: options.stderrTailLines,
    // The submitting sluice's cap, whatever environment the job gets.
    streamCapBytes: run.streamCapBytes,
    stdoutPrinted: options.stdoutPrinted,
  };
  fs.writeFileSync(attempt.taskFile, JSON.stringify(spec));
}
