import fs from 'node:fs/promises';
import fsSync from 'node:fs';
import path from 'node:path';
import type { Task } from '../kernel/task.ts';
import type { Launcher, LaunchResult, RunningProcess } from '../process/launch-types.ts';
import { renderArgv, stagedOutputIndexes, threadsOf } from '../kernel/render-action.ts';
import { createStagingArea, findMissingOutputs, type StagedOutputs } from './atomic-outputs.ts';
import type { Attempt, AttemptOutcome, AttemptStatus, Executor, ExecutorTraits } from './executor.ts';
import { readTailLines } from '../kernel/read-tail.ts';
import type { FileDigest } from '../state/hashes/remembered-hashes.ts';
import { startFunctionTask, type FunctionLaunchResult } from './start-function-task.ts';
import type { FunctionRunner } from './worker/function-runner.ts';
import { bug } from '../errors.ts';
import { readLogLimits } from '../state/logs/log-limits.ts';
import { boundCapture } from '../state/logs/bound-capture.ts';
import { prepareTaskLogs, readLogTails } from './task-logs.ts';

export interface LocalExecutorOptions {
  /**
   * Starts command tasks. A function is called when the first command task is submitted, so a
   * run of function steps alone never starts it (the python launcher takes ~0.1 s to be ready).
   */
  readonly launcher: Launcher | (() => Promise<Launcher>);
  /** Folder for this run's per-attempt logs; created on first use. */
  readonly logDir: string;
  /** Distinguishes this run's temporary files from another's. */
  readonly runTag: string;
  readonly stderrTailLines?: number;
  /**
   * Bytes kept of each captured stream of an attempt (its first and last parts beyond that).
   * Default: `LOG_LIMITS.streamBytes`, or `SLUICE_LOG_CAP` (state/logs/log-limits.ts).
   */
  readonly streamCapBytes?: number;
  /**
   * Standard output captures are printed once the task ended (`sluice map` without `--out`):
   * left whole here (but for an empty one, removed), the printer bounds each once printed.
   */
  readonly stdoutPrinted?: boolean;
  /** SIGTERM → SIGKILL grace period after a timeout or cancel. */
  readonly killGraceMs?: number;
  /**
   * Called when a successful attempt's outputs are complete, just before they are renamed into
   * place (`paths`: where they are now); they are renamed once what it returns has resolved. The
   * success is recorded here, so that a crash between the two leaves staged outputs that the next
   * run can move into place instead of re-running.
   */
  readonly onOutputsReady?: (attempt: Attempt, ready: OutputsReady) => void | Promise<void>;
  /**
   * Indexes of a task's outputs that other tasks read: a function step's worker thread hashes
   * them (digests for `onOutputsReady`), so that they need not be read again to sign their readers.
   */
  readonly outputsToDigest?: (task: Task) => readonly number[];
  /**
   * Indexes of a function task's inputs that its worker thread hashes before it calls the
   * function (input digests for `onOutputsReady`): the task is signed with them.
   */
  readonly inputsToDigest?: (task: Task) => readonly number[];
  /** Worker threads for function steps, made on first use. */
  readonly createFunctionRunner?: () => FunctionRunner;
  /**
   * How many threads that runner has: as many function tasks can wait ahead of a free slot, one
   * behind the task each thread runs (Executor.ahead). Absent: none waits.
   */
  readonly functionThreads?: number;
}

/** A successful attempt, as `onOutputsReady` is told of it. */
export interface OutputsReady {
  /** Where the outputs are now, index for index with the task's outputs. */
  readonly paths: readonly string[];
  readonly startedAt: number;
  readonly endedAt: number;
  /** The outputs' digests, taken by the thread that wrote them (`outputsToDigest`). */
  readonly digests?: readonly (FileDigest | undefined)[] | undefined;
  /** The inputs' digests, taken just before the function read them (`inputsToDigest`). */
  readonly inputDigests?: readonly (FileDigest | undefined)[] | undefined;
}

const TRAITS: ExecutorTraits = { name: 'local', printsStdout: true };

/** Runs tasks as processes on this machine, through a launcher, with atomic outputs. */
export function createLocalExecutor(options: LocalExecutorOptions): Executor {
  const running = new Map<number, RunningProcess>();
  let functionRunner: FunctionRunner | undefined;
  const cancelled = new Set<number>();
  let logDirReady: Promise<unknown> | undefined;
  const staging = createStagingArea(options.runTag);
  const streamCapBytes = options.streamCapBytes ?? readLogLimits().streamBytes;
  let launcher: Promise<Launcher> | undefined;
  const launcherFor = (): Promise<Launcher> => {
    launcher ??= typeof options.launcher === 'function' ? options.launcher() : Promise.resolve(options.launcher);
    return launcher;
  };

  function runnerFor(): FunctionRunner {
    if (options.createFunctionRunner === undefined) bug('a function step reached an executor without worker threads');
    functionRunner ??= options.createFunctionRunner();
    return functionRunner;
  }

  async function submit({ task, attempt, freeSlot, onStart, onHeld }: Attempt): Promise<AttemptOutcome> {
    logDirReady ??= fs.mkdir(options.logDir, { recursive: true });
    await logDirReady;
    const base = path.join(options.logDir, `${task.id}.${attempt}`);
    const stderrLog = `${base}.err`;
    const stdoutLog = task.stdoutOutput === undefined ? `${base}.out` : undefined;
    const argv = renderArgv(task.action, task.outputs, threadsOf(task));
    const startedAt = Date.now();
    // Before anything is staged: a launcher that cannot start fails the task with nothing to undo.
    const commandLauncher = task.action.kind === 'function' ? undefined : await launcherFor();
    // Logs are written in place: their folders made, a stale one cleared, before the task starts.
    const logError = prepareTaskLogs(task, attempt, options.logDir);
    if (logError !== undefined) return finish('failed', undefined, logError);
    let staged: StagedOutputs | undefined;
    let noSpaceLeft: string | undefined;
    if (task.outputs.length > 0) {
      staged = await staging.stage(task.outputs, task.cwd, stagedOutputIndexes(task));
    }
    if (cancelled.has(task.id)) return finish('cancelled', undefined, undefined);
    const child =
      task.action.kind === 'function'
        ? startFunctionTask(runnerFor(), task, staged?.paths ?? [], stderrLog, {
            digest: options.outputsToDigest?.(task),
            hashInputs: options.inputsToDigest?.(task),
            onStart,
            onHeld,
          })
        : (commandLauncher as Launcher).start({
            argv: staged === undefined ? argv : renderArgv(task.action, staged.paths, threadsOf(task)),
            cwd: task.cwd,
            stdoutPath: staged !== undefined && task.stdoutOutput !== undefined ? (staged.paths[task.stdoutOutput] as string) : (stdoutLog as string),
            stderrPath: stderrLog,
            timeoutMs: task.resources.timeoutMs,
            killGraceMs: options.killGraceMs,
          });
    running.set(task.id, child);
    if (cancelled.has(task.id)) child.cancel();
    const result: FunctionLaunchResult = await child.done;
    running.delete(task.id);
    let status = statusOf(result);
    let error = result.spawnError === undefined ? undefined : describeSpawnError(argv[0] ?? '', result.spawnError);
    if (result.spawnError?.code === 'EFUNCTION') error = `the function threw: ${result.spawnError.message}`;
    if (staged !== undefined) {
      const missing = status === 'succeeded' ? findMissingOutputs(staged, task.outputs) : [];
      if (missing.length > 0) {
        status = 'failed';
        error = `the ${task.action.kind === 'function' ? 'function returned' : 'command succeeded'} but did not create ${missing.map((m) => `\`${m}\``).join(', ')}`;
      }
      if (status === 'succeeded') {
        if (freeSlot !== undefined) {
          // It succeeded: the next task starts (its thread is idle now) while the outputs are
          // committed. One turn of the event loop lets its start, all promise callbacks, go first.
          freeSlot();
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
        const { startedAt, endedAt, digests, inputDigests } = result;
        await options.onOutputsReady?.({ task, attempt }, { paths: staged.paths, startedAt, endedAt, digests, inputDigests });
        await staging.commit(staged);
      } else {
        // Looked at before the partial outputs are removed, which frees the space again.
        if (status === 'failed') noSpaceLeft = findFullFileSystem(staged.finals);
        await staging.discard(staged);
      }
    }
    return finish(status, result, error);

    async function finish(
      status: AttemptStatus,
      result: LaunchResult | undefined,
      error: string | undefined,
    ): Promise<AttemptOutcome> {
      if (result === undefined && staged !== undefined) await staging.discard(staged);
      // An empty stream leaves no file; one past the cap keeps its first and last parts.
      const keptStderr = await boundCapture(stderrLog, streamCapBytes);
      const keptStdout = stdoutLog !== undefined && (await boundCapture(stdoutLog, options.stdoutPrinted === true ? Infinity : streamCapBytes));
      const tailLines = options.stderrTailLines ?? 10;
      return {
        status,
        exitCode: result?.exitCode ?? null,
        signal: result?.signal ?? null,
        error,
        argv,
        startedAt: result?.startedAt ?? startedAt,
        endedAt: result?.endedAt ?? Date.now(),
        cpuMs: result?.cpuMs,
        maxRssKb: result?.maxRssKb,
        stderrLog: keptStderr ? stderrLog : '',
        stdoutLog: keptStdout ? stdoutLog : undefined,
        stderrTail: status === 'succeeded' || !keptStderr ? [] : await readTailLines(stderrLog, tailLines),
        logTails: status === 'succeeded' ? undefined : await readLogTails(task, tailLines),
        noSpaceLeft,
      };
    }
  }

  const threads = options.createFunctionRunner === undefined ? 0 : (options.functionThreads ?? 0);
  return {
    traits: TRAITS,
    // Only function tasks: a command's process starts when it is submitted.
    ahead: threads > 0 ? { limit: threads, accepts: (task) => task.action.kind === 'function' } : undefined,
    submit,
    cancel(taskId: number): void {
      cancelled.add(taskId);
      running.get(taskId)?.cancel();
    },
    async shutdown(): Promise<void> {
      for (const [taskId, child] of running) {
        cancelled.add(taskId);
        child.cancel();
      }
      await Promise.all([launcher?.then((started) => started.close(), () => undefined), functionRunner?.close()]);
      await staging.close();
    },
  };
}

// The first of `files` whose folder's file system has no space left (statfs), if any.
function findFullFileSystem(files: readonly string[]): string | undefined {
  for (const file of files) {
    try {
      if (fsSync.statfsSync(path.dirname(file)).bavail === 0) return file;
    } catch {
      // The folder is gone: that says nothing about space.
    }
  }
  return undefined;
}

function statusOf(result: LaunchResult): AttemptStatus {
  if (result.timedOut) return 'timed out';
  if (result.cancelled) return 'cancelled';
  if (result.spawnError !== undefined) return 'failed';
  return result.exitCode === 0 ? 'succeeded' : 'failed';
}

function describeSpawnError(program: string, error: { code: string; message: string }): string {
  // A file the launcher opened for the task (a log, its output), not the program, may be what is missing.
  if (/standard (input|output|error) file|working directory|, open '/.test(error.message)) {
    return `could not start \`${program}\`: ${error.message}`;
  }
  if (error.code === 'ENOENT') {
    return `program \`${program}\` not found${program.includes('/') ? '' : ` on PATH (${process.env.PATH ?? ''})`}`;
  }
  if (error.code === 'EACCES') return `program \`${program}\` is not executable`;
  return `could not start \`${program}\`: ${error.message}`;
}
