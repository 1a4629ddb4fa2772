import path from 'node:path';
import { OutputError } from '../errors.ts';
import type { Launcher, LaunchResult, RunningProcess } from '../process/launch-types.ts';
import { renderArgv, stagedOutputIndexes, threadsOf } from '../kernel/render-action.ts';
import { formatSeconds } from '../kernel/format-seconds.ts';
import { readTailLines } from '../kernel/read-tail.ts';
import { boundCapture } from '../state/logs/bound-capture.ts';
import { findMissingOutputs, type StagedOutputs, type StagingArea } from './atomic-outputs.ts';
import type { Attempt, AttemptOutcome, AttemptStatus, NoSpaceLeft } from './executor.ts';
import { findNoSpaceLeft, judgeLocalResult } from './judge-local-result.ts';
import type { LocalExecutorOptions } from './local-executor.ts';
import { startFunctionTask, type FunctionLaunchResult } from './start-function-task.ts';
import { prepareTaskLogs, readLogTails } from './task-logs.ts';
import type { FunctionRunner } from './worker/function-runner.ts';

/** What the attempts of one local executor share (local-executor.ts makes it). */
export interface LocalAttemptContext {
  readonly options: LocalExecutorOptions;
  readonly staging: StagingArea;
  readonly streamCapBytes: number;
  /** The attempts whose process or thread runs, by task id. */
  readonly running: Map<number, RunningProcess>;
  /** Tasks cancelled, possibly before they started. */
  readonly cancelled: Set<number>;
  /** Resolves once the run's log folder exists. */
  logDirReady(): Promise<unknown>;
  /** Whether it exists already (no need to wait: one turn of the event loop less per task). */
  logDirMade(): boolean;
  /** The launcher once it started, for the same reason. */
  launcherNow(): Launcher | undefined;
  launcher(): Promise<Launcher>;
  functionRunner(): FunctionRunner;
}

// An attempt's logs and what it runs, known before it starts.
interface AttemptStart {
  readonly stderrLog: string;
  readonly stdoutLog: string | undefined;
  readonly argv: readonly string[];
  readonly startedAt: number;
}

/**
 * One attempt on this machine: its logs prepared, its outputs staged, its process or thread
 * started, then its outputs committed into place (a success) or discarded.
 */
export async function runLocalAttempt(attempt: Attempt, context: LocalAttemptContext): Promise<AttemptOutcome> {
  const { task } = attempt;
  if (!context.logDirMade()) await context.logDirReady();
  const base = path.join(context.options.logDir, `${task.id}.${attempt.attempt}`);
  const start: AttemptStart = {
    stderrLog: `${base}.err`,
    // A function step's thread writes no standard output capture.
    stdoutLog: task.stdoutOutput === undefined && task.action.kind !== 'function' ? `${base}.out` : undefined,
    argv: renderArgv(task.action, task.outputs, threadsOf(task)),
    startedAt: Date.now(),
  };
  // Before anything is staged: a launcher that cannot start fails the task with nothing to undo.
  const launcher = task.action.kind === 'function' ? undefined : (context.launcherNow() ?? (await context.launcher()));
  // Logs are written in place: their folders made, a stale one cleared, before the task starts.
  const logError = prepareTaskLogs(task, attempt.attempt, context.options.logDir);
  if (logError !== undefined) return finishAttempt(attempt, context, start, { status: 'failed', error: logError });
  const staged = task.outputs.length > 0 ? await context.staging.stage(task.outputs, task.cwd, stagedOutputIndexes(task)) : undefined;
  if (context.cancelled.has(task.id)) {
    if (staged !== undefined) await context.staging.discard(staged);
    return finishAttempt(attempt, context, start, { status: 'cancelled', error: undefined });
  }
  const child = startLocalTask(attempt, context, start, staged, launcher);
  context.running.set(task.id, child);
  if (context.cancelled.has(task.id)) child.cancel();
  let result: FunctionLaunchResult;
  try {
    result = await child.done;
  } catch (error) {
    // Its outcome is unknown (its launcher died, say): no success, so nothing it staged is kept.
    if (staged !== undefined) await context.staging.discard(staged);
    throw error;
  } finally {
    context.running.delete(task.id);
  }
  const judged = judgeLocalResult(result, start.argv[0] ?? '');
  const ended = staged === undefined ? withNoSpaceLeft(judged, [], start, result.spawnError) : await settleOutputs(attempt, context, start, staged, result, judged);
  const outcome = await finishAttempt(attempt, context, start, ended, result);
  // A failure: the launcher starts no held task in place of another until the scheduler has
  // acted on it (on this outcome, in the promise callbacks that run before this turn ends). A
  // success the launcher took for a failure (an output it found missing was there after all)
  // needs no action: acknowledged at once (acknowledge does nothing unless the launcher counted it).
  if (child.acknowledge !== undefined) {
    if (result.exitCode !== 0 || ended.status !== 'succeeded') setImmediate(child.acknowledge);
    else child.acknowledge();
  }
  return outcome;
}

// A function step on a worker thread, a command through the launcher, behind one handle.
function startLocalTask(
  { task, onStart, onHeld }: Attempt,
  context: LocalAttemptContext,
  start: AttemptStart,
  staged: StagedOutputs | undefined,
  launcher: Launcher | undefined,
): RunningProcess & { readonly done: Promise<FunctionLaunchResult> } {
  if (task.action.kind === 'function') {
    return startFunctionTask(context.functionRunner(), task, staged?.paths ?? [], start.stderrLog, {
      digest: context.options.outputsToDigest?.(task),
      hashInputs: context.options.inputsToDigest?.(task),
      onStart,
      onHeld,
    });
  }
  // Held ahead (its logs ready and outputs staged by now): the launcher starts it in place of a
  // task that ends, or once the scheduler releases it; its timeout counts from then.
  const hold = onStart !== undefined && onHeld !== undefined ? { onStart, onHeld } : undefined;
  return (launcher as Launcher).start(
    {
      argv: staged === undefined ? start.argv : renderArgv(task.action, staged.paths, threadsOf(task)),
      cwd: task.cwd,
      stdoutPath: staged !== undefined && task.stdoutOutput !== undefined ? (staged.paths[task.stdoutOutput] as string) : (start.stdoutLog as string),
      stderrPath: start.stderrLog,
      // The launcher removes an empty log itself and tells the sizes: no stat here.
      captures: start.stdoutLog === undefined ? STDERR_CAPTURED : BOTH_CAPTURED,
      // Exited 0 without one of them, it fails: the launcher starts no held task in its place.
      outputs: staged?.paths,
      timeoutMs: task.resources.timeoutMs,
      // Its own logs count as output too (the launcher resolves them against cwd).
      noOutputTimeoutMs: task.resources.noOutputTimeoutMs,
      watchFiles: task.resources.noOutputTimeoutMs === undefined ? undefined : task.logs,
      killGraceMs: context.options.killGraceMs,
    },
    hold,
  );
}

const STDERR_CAPTURED = { stdout: false, stderr: true } as const;
const BOTH_CAPTURED = { stdout: true, stderr: true } as const;

interface Ending {
  readonly status: AttemptStatus;
  readonly error: string | undefined;
  readonly noSpaceLeft?: NoSpaceLeft | undefined;
}

// A success's outputs are recorded, then renamed into place; anything else's are removed.
async function settleOutputs(
  { task, attempt, freeSlot }: Attempt,
  context: LocalAttemptContext,
  start: AttemptStart,
  staged: StagedOutputs,
  result: FunctionLaunchResult,
  judged: Ending,
): Promise<Ending> {
  const missing = judged.status === 'succeeded' ? findMissingOutputs(staged, task.outputs, result.digests) : [];
  if (missing.length > 0) {
    const what = task.action.kind === 'function' ? 'function returned' : 'command succeeded';
    judged = { status: 'failed', error: `the ${what} but did not create ${missing.map((m) => `\`${m}\``).join(', ')}` };
  }
  if (judged.status !== 'succeeded') {
    // Looked at before the partial outputs are removed, which frees the space again.
    const ended = withNoSpaceLeft(judged, staged.finals, start, result.spawnError);
    await context.staging.discard(staged);
    return ended;
  }
  if (freeSlot !== undefined) {
    // It succeeded: the next task starts (its thread is idle now) while the outputs are
    // committed. One turn of the event loop lets its start, all promise callbacks, go first.
    freeSlot();
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const { startedAt, endedAt, digests, inputDigests } = result;
  await context.options.onOutputsReady?.({ task, attempt }, { paths: staged.paths, startedAt, endedAt, digests, inputDigests });
  try {
    await context.staging.commit(staged);
  } catch (error) {
    // A folder where an output goes, say: the task failed, but its process ran to its exit
    // status, which the failure report keeps (the error names the output).
    if (!(error instanceof OutputError)) throw error;
    await context.staging.discard(staged);
    return { status: 'failed', error: error.message };
  }
  return judged;
}

// A failure, with the output or log it left on a full disk (before its captures are trimmed).
function withNoSpaceLeft(judged: Ending, outputs: readonly string[], start: AttemptStart, spawnError?: { readonly code: string }): Ending {
  if (judged.status !== 'failed') return judged;
  const noSpaceLeft = findNoSpaceLeft(outputs, [start.stderrLog, start.stdoutLog], spawnError);
  return noSpaceLeft === undefined ? judged : { ...judged, noSpaceLeft };
}

// Whether a capture of a known size is left (the launcher removed an empty one); undefined when
// boundCapture must look (the size is unknown, or past the cap).
function isKept(size: number | undefined, capBytes: number): boolean | undefined {
  if (size === undefined || size < 0 || size > capBytes) return undefined;
  return size > 0;
}

// The outcome as the scheduler and reports see it, its captures bounded and their tails read.
async function finishAttempt(
  { task }: Attempt,
  context: LocalAttemptContext,
  start: AttemptStart,
  { status, error, noSpaceLeft }: Ending,
  result?: LaunchResult,
): Promise<AttemptOutcome> {
  const { stderrLog, stdoutLog } = start;
  // An empty stream leaves no file; one past the cap keeps its first and last parts.
  const sizes = result?.captureBytes;
  const stdoutCap = context.options.stdoutPrinted === true ? Infinity : context.streamCapBytes;
  // Sizes the launcher (or a function task that wrote no log) told: most often nothing to do,
  // and nothing to wait for.
  const keptStderr = isKept(sizes?.stderr, context.streamCapBytes) ?? (await boundCapture(stderrLog, context.streamCapBytes, sizes?.stderr));
  const keptStdout = stdoutLog !== undefined && (isKept(sizes?.stdout, stdoutCap) ?? (await boundCapture(stdoutLog, stdoutCap, sizes?.stdout)));
  const tailLines = context.options.stderrTailLines ?? 10;
  return {
    status,
    exitCode: result?.exitCode ?? null,
    signal: result?.signal ?? null,
    // Which limit it reached, for the records (report): the failure says it from `silentMs`.
    error: error ?? (result?.silentMs === undefined ? undefined : `no output for ${formatSeconds(result.silentMs)}`),
    argv: start.argv,
    startedAt: result?.startedAt ?? start.startedAt,
    endedAt: result?.endedAt ?? Date.now(),
    usage: result?.usage,
    stderrLog: keptStderr ? stderrLog : '',
    stdoutLog: keptStdout ? stdoutLog : undefined,
    stderrTail: status === 'succeeded' || !keptStderr ? [] : await readTailLines(stderrLog, tailLines),
    logTails: status === 'succeeded' ? undefined : await readLogTails(task, tailLines),
    noSpaceLeft,
    neverStarted: result?.neverStarted,
    silentMs: result?.silentMs,
  };
}
