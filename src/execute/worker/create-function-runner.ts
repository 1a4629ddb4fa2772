import { PlanError } from '../../errors.ts';
import { locateModule } from '../../kernel/locate-code.ts';
import { setLongTimeout } from '../../kernel/set-long-timeout.ts';
import { ThreadExitError } from '../../pool/spawn-thread.ts';
import { createWorkerPool } from '../../pool/worker-pool.ts';
import type { FunctionResult, FunctionRunner, FunctionRunnerOptions, FunctionRunOptions, StepRequest } from './function-runner.ts';
import { describeFailure } from './run-step-function.ts';

const STEP_WORKER = locateModule('execute/worker/step-worker');

/** Runs function steps on a pool of worker threads, at most `threads` at once. */
export function createFunctionRunner(options: FunctionRunnerOptions): FunctionRunner {
  const threads = options.threads;
  if (!Number.isInteger(threads) || threads < 1) {
    throw new PlanError(`Expected \`threads\` to be a positive integer, got \`${String(threads)}\``);
  }
  const pool = createWorkerPool<StepRequest, FunctionResult>({
    size: threads,
    entry: STEP_WORKER,
    workerData: { preload: options.preload ?? [] },
    killGraceMs: options.killGraceMs,
  });
  let closed = false;

  async function run(task: Parameters<FunctionRunner['run']>[0], outputs: readonly string[], options: FunctionRunOptions = {}): Promise<FunctionResult> {
    const { signal, digest, hashInputs } = options;
    if (signal?.aborted === true || closed) return { ok: false, message: 'cancelled before it started', cancelled: true };
    // No AbortController of its own: the pool hands over the function that aborts the job.
    let abortJob: (() => void) | undefined;
    let ended: 'timed out' | 'cancelled' | undefined;
    const end = (why: 'timed out' | 'cancelled'): void => {
      ended ??= why;
      abortJob?.();
    };
    const onCancel = (): void => end('cancelled');
    signal?.addEventListener('abort', onCancel, { once: true });
    options.onCancellable?.(onCancel);
    let timer: NodeJS.Timeout | undefined;
    const timeoutMs = task.resources.timeoutMs;
    // The clock starts when a thread takes the task, not while it waits for one.
    const onStart = (): void => {
      if (timeoutMs !== undefined) timer = setLongTimeout(() => end('timed out'), timeoutMs);
      options.onStart?.();
    };
    try {
      const request: StepRequest = { task, outputs };
      if (digest !== undefined && digest.length > 0) Object.assign(request, { digest });
      if (hashInputs !== undefined && hashInputs.length > 0) Object.assign(request, { hashInputs });
      if (ended !== undefined) return cancelledResult();
      const onAbortable = (abort: () => void): void => {
        abortJob = abort;
      };
      return await pool.run(request, { onAbortable, onStart, ahead: options.ahead, onHeld: options.onHeld });
    } catch (error) {
      if (ended === 'timed out') {
        return { ok: false, message: `timed out after ${timeoutMs} ms; its worker thread was terminated`, timedOut: true };
      }
      if (ended === 'cancelled' || closed) return cancelledResult();
      if (error instanceof ThreadExitError) return describeThreadExit(error.exitCode);
      const failure = describeFailure(error);
      return failure.ok ? failure : { ...failure, message: `its worker thread failed: ${failure.message}` };
    } finally {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onCancel);
    }
  }

  return {
    threads,
    run,
    warm: () => pool.warm(),
    close(): Promise<void> {
      closed = true;
      return pool.close();
    },
  };
}

// What the user wrote was process.exit(): said so, without the pool's own stack, which points at
// sluice's code, not theirs. The task fails even for exit code 0: the function did not return.
function describeThreadExit(exitCode: number): FunctionResult {
  return {
    ok: false,
    message:
      `the function ended its worker thread with process.exit(${exitCode}) before it returned; ` +
      'in a function step, throw an Error to fail the task, or return to end it',
    exited: true,
  };
}

function cancelledResult(): FunctionResult {
  return { ok: false, message: 'cancelled; its worker thread was terminated', cancelled: true };
}
