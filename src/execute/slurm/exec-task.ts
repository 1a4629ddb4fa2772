// The compute-node side of the Slurm executor: run one attempt of a serialized task exactly as
// the local executor runs it (staged outputs, logs, function steps on a worker thread), then
// write the marker with its outcome for the submitting sluice.
import os from 'node:os';
import { createSpawnLauncher } from '../../process/spawn-launcher.ts';
import type { AttemptOutcome } from '../executor.ts';
import { createLocalExecutor } from '../local-executor.ts';
import type { FunctionRunner } from '../worker/function-runner.ts';
import { resolveNodeBash } from './resolve-node-bash.ts';
import { shelterOutputs } from './shelter-outputs.ts';
import { markerPathOf, type Marker, type TaskFile } from './task-files.ts';
import { writeFileAtomically } from '../../kernel/write-atomically.ts';

export interface ExecTaskOptions {
  /** Aborted when Slurm signals the job (scancel, time limit): the attempt is cancelled. */
  readonly signal?: AbortSignal;
}

/** Runs the attempt a task file describes and writes its marker; returns the marker. */
export async function execTask(taskFile: string, spec: TaskFile, options: ExecTaskOptions = {}): Promise<Marker> {
  const sheltered = await shelterOutputs(resolveNodeBash(spec.task), spec.runId);
  // A function step needs worker threads; load that code only then.
  let createRunner: (() => FunctionRunner) | undefined;
  if (spec.task.action.kind === 'function') {
    const { createFunctionRunner } = await import('../worker/create-function-runner.ts');
    createRunner = () => createFunctionRunner({ threads: 1 });
  }
  // One task per process: the plain spawn launcher starts faster than the python helper.
  const executor = createLocalExecutor({
    launcher: createSpawnLauncher(),
    logDir: spec.logDir,
    runTag: spec.runId,
    killGraceMs: spec.killGraceMs,
    stderrTailLines: spec.stderrTailLines,
    streamCapBytes: spec.streamCapBytes,
    stdoutPrinted: spec.stdoutPrinted,
    createFunctionRunner: createRunner,
  });
  let signalled = false;
  const onAbort = (): void => {
    signalled = true;
    executor.cancel(spec.task.id);
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted === true) onAbort();
  let outcome: AttemptOutcome;
  let error: string | undefined;
  try {
    outcome = await executor.submit({ task: sheltered.task, attempt: spec.attempt });
    error = sheltered.explain(outcome.error);
    if (outcome.status === 'succeeded') {
      try {
        await sheltered.release();
      } catch (cause) {
        outcome = { ...outcome, status: 'failed' };
        error = `the outputs could not be moved into place: ${(cause as Error).message}`;
      }
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await executor.shutdown();
  }
  if (outcome.status !== 'succeeded') await sheltered.discard();
  const marker: Marker = {
    status: outcome.status,
    exitCode: outcome.exitCode,
    signal: outcome.signal,
    error,
    startedAt: outcome.startedAt,
    endedAt: outcome.endedAt,
    stderrLog: outcome.stderrLog,
    stdoutLog: outcome.stdoutLog,
    stderrTail: outcome.stderrTail,
    logTails: outcome.logTails,
    cpuMs: outcome.cpuMs,
    maxRssKb: outcome.maxRssKb,
    signalledBySlurm: signalled || undefined,
    host: os.hostname(),
  };
  writeFileAtomically(markerPathOf(taskFile), `${JSON.stringify(marker)}\n`);
  return marker;
}
