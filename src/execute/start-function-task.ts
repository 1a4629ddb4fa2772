import fs from 'node:fs/promises';
import type { Task } from '../kernel/task.ts';
import type { LaunchResult, RunningProcess } from '../process/launch-types.ts';
import type { FileDigest } from '../state/hashes/remembered-hashes.ts';
import type { FunctionRunner, FunctionRunOptions } from './worker/function-runner.ts';

export interface FunctionLaunchResult extends LaunchResult {
  /** Digests of the outputs asked for, index for index with the outputs, when it succeeded. */
  readonly digests?: readonly (FileDigest | undefined)[] | undefined;
  /** Digests of the inputs asked for, index for index with the task's inputs, when it succeeded. */
  readonly inputDigests?: readonly (FileDigest | undefined)[] | undefined;
}

/**
 * Runs a function step on a worker thread behind the same handle as a process, so the executor
 * treats both alike. A thrown error's message and stack go to the attempt's stderr log; a function
 * that returns has nothing to log, and no file is made for it (an empty file per task is an inode
 * made per task, which thousands of short tasks pay for, see atomic-outputs.ts).
 */
export function startFunctionTask(
  runner: FunctionRunner,
  task: Task,
  outputs: readonly string[],
  stderrPath: string,
  options: Pick<FunctionRunOptions, 'digest' | 'hashInputs' | 'onStart' | 'onHeld'> = {},
): RunningProcess & { readonly done: Promise<FunctionLaunchResult> } {
  // Cancelled through the runner's hook: no AbortController per task (a few microseconds each,
  // with its listeners, on the main thread that starts every task).
  let cancel: (() => void) | undefined;
  let cancelled = false;
  let startedAt = Date.now();
  // Held ahead (`onStart`), the task may wait on a busy thread: it starts when a thread takes it.
  const ahead = options.onStart !== undefined;
  const onStart = (): void => {
    startedAt = Date.now();
    options.onStart?.();
  };
  const done = (async (): Promise<FunctionLaunchResult> => {
    const result = await runner.run(task, outputs, {
      onCancellable: (hook) => {
        cancel = hook;
        if (cancelled) hook();
      },
      digest: options.digest,
      hashInputs: options.hashInputs,
      ahead,
      onStart: ahead ? onStart : undefined,
      onHeld: ahead ? options.onHeld : undefined,
    });
    const base = { pid: 0, signal: null, startedAt, endedAt: Date.now(), usage: result.usage };
    if (result.ok) {
      // Its stderr log is written only on failure (below): nothing to look at, as a launcher that
      // removed an empty capture says (-1: no stdout capture at all).
      const captureBytes = { stdout: -1, stderr: 0 };
      return { ...base, exitCode: 0, timedOut: false, cancelled: false, digests: result.digests, inputDigests: result.inputDigests, captureBytes };
    }
    await fs.writeFile(stderrPath, `${result.stack ?? result.message}\n`);
    return {
      ...base,
      exitCode: result.timedOut === true || result.cancelled === true ? null : 1,
      timedOut: result.timedOut === true,
      cancelled: result.cancelled === true,
      spawnError: result.timedOut === true || result.cancelled === true ? undefined : { code: result.exited === true ? 'EFUNCTIONEXIT' : 'EFUNCTION', message: result.message },
    };
  })();
  return {
    done,
    cancel: () => {
      cancelled = true;
      cancel?.();
    },
  };
}
