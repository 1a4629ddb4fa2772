// The compute-node side of the Slurm executor: run one attempt of a serialized task exactly as
// the local executor runs it (staged outputs, logs, function steps on a worker thread), then
// write the marker with its outcome for the submitting sluice.
import fs from 'node:fs';
import os from 'node:os';
import { grantThreads } from './grant-threads.ts';
import { createLauncher } from '../../process/create-launcher.ts';
import type { Launcher } from '../../process/launch-types.ts';
import type { AttemptOutcome } from '../executor.ts';
import { createLocalExecutor } from '../local-executor.ts';
import type { FunctionRunner } from '../worker/function-runner.ts';
import { resolveNodeBash } from './resolve-node-bash.ts';
import { shelterOutputs } from './shelter-outputs.ts';
import { cancelPathOf, markerPathOf, type Marker, type TaskFile } from './task-files.ts';
import { writeFileAtomically } from '../../kernel/write-atomically.ts';

export interface ExecTaskOptions {
  /** Aborted when Slurm signals the job (scancel, time limit): the attempt is cancelled. */
  readonly signal?: AbortSignal;
  /**
   * Starts command tasks; called when the first one starts, and not closed here (the tasks of a
   * batch share it). Default: a launcher of the attempt's own, closed when it ends.
   */
  readonly launcher?: (() => Promise<Launcher>) | undefined;
}

/** How often a running task looks for the file that cancels it alone. */
const CANCEL_LOOK_MS = 500;

/** Runs the attempt a task file describes and writes its marker; returns the marker. */
export async function execTask(taskFile: string, spec: TaskFile, options: ExecTaskOptions = {}): Promise<Marker> {
  const sheltered = await shelterOutputs(resolveNodeBash(spec.task), spec.runId);
  // A function step needs worker threads; load that code only then.
  let createRunner: (() => FunctionRunner) | undefined;
  if (spec.task.action.kind === 'function') {
    const { createFunctionRunner } = await import('../worker/create-function-runner.ts');
    createRunner = () => createFunctionRunner({ threads: 1 });
  }
  // The python helper, as on a local run: it measures the task's CPU time and memory (wait4)
  // and ends what the task left behind. Without python3 (or SLUICE_LAUNCHER=spawn), plain spawn.
  const shared = options.launcher;
  const executor = createLocalExecutor({
    launcher: shared === undefined ? () => createLauncher() : async () => keepOpen(await shared()),
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
  // Sluice cancels one task of a packed element by a file beside its task file (not scancel,
  // which would end its pack-mates too).
  const cancelFile = cancelPathOf(taskFile);
  const lookForCancel = setInterval(() => {
    if (fs.existsSync(cancelFile)) executor.cancel(spec.task.id);
  }, CANCEL_LOOK_MS);
  let outcome: AttemptOutcome;
  let error: string | undefined;
  try {
    outcome = await executor.submit({ task: grantThreads(sheltered.task, process.env), attempt: spec.attempt });
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
    clearInterval(lookForCancel);
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
    usage: outcome.usage,
    signalledBySlurm: signalled || undefined,
    silentMs: outcome.silentMs,
    host: os.hostname(),
  };
  writeFileAtomically(markerPathOf(taskFile), `${JSON.stringify(marker)}\n`);
  return marker;
}

// The executor closes its launcher when it shuts down; a shared one outlives it.
function keepOpen(launcher: Launcher): Launcher {
  return { kind: launcher.kind, start: (request) => launcher.start(request), close: async () => {} };
}

/** The marker of a task cancelled (by its cancel file) before its turn came. */
export function writeSkippedMarker(taskFile: string): Marker {
  const now = Date.now();
  const marker: Marker = {
    status: 'cancelled',
    exitCode: null,
    signal: null,
    error: 'cancelled by sluice before it started',
    startedAt: now,
    endedAt: now,
    stderrLog: '',
    stderrTail: [],
    host: os.hostname(),
  };
  writeFileAtomically(markerPathOf(taskFile), `${JSON.stringify(marker)}\n`);
  return marker;
}
