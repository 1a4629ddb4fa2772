import fs from 'node:fs/promises';
import type { Task } from '../kernel/task.ts';
import type { Launcher, RunningProcess } from '../process/launch-types.ts';
import { bug } from '../errors.ts';
import type { FileDigest } from '../state/hashes/remembered-hashes.ts';
import { readLogLimits } from '../state/logs/log-limits.ts';
import { createStagingArea } from './atomic-outputs.ts';
import type { Attempt, Executor } from './executor.ts';
import { LOCAL_TRAITS } from './local-traits.ts';
import { runLocalAttempt, type LocalAttemptContext } from './run-local-attempt.ts';
import type { FunctionRunner } from './worker/function-runner.ts';

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
  /**
   * How many command tasks can wait in the launcher ahead of a free slot (Executor.ahead): the
   * launcher starts one the moment a task of its own exits with status 0, in that task's slot,
   * without a round trip through the scheduler. Absent: none waits.
   */
  readonly commandsAhead?: number;
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

/** Runs tasks as processes on this machine, through a launcher, with atomic outputs. */
export function createLocalExecutor(options: LocalExecutorOptions): Executor {
  const running = new Map<number, RunningProcess>();
  const cancelled = new Set<number>();
  let functionRunner: FunctionRunner | undefined;
  let logDirReady: Promise<unknown> | undefined;
  let logDirMade = false;
  let launcher: Promise<Launcher> | undefined;
  let launcherNow: Launcher | undefined;
  const staging = createStagingArea(options.runTag);
  const context: LocalAttemptContext = {
    options,
    staging,
    streamCapBytes: options.streamCapBytes ?? readLogLimits().streamBytes,
    running,
    cancelled,
    logDirReady: () =>
      (logDirReady ??= fs.mkdir(options.logDir, { recursive: true }).then((made) => {
        logDirMade = true;
        return made;
      })),
    logDirMade: () => logDirMade,
    launcher: () =>
      (launcher ??= (typeof options.launcher === 'function' ? options.launcher() : Promise.resolve(options.launcher)).then((started) => {
        launcherNow = started;
        return started;
      })),
    launcherNow: () => launcherNow,
    functionRunner: () => {
      if (options.createFunctionRunner === undefined) bug('a function step reached an executor without worker threads');
      functionRunner ??= options.createFunctionRunner();
      return functionRunner;
    },
  };
  const threads = options.createFunctionRunner === undefined ? 0 : (options.functionThreads ?? 0);
  const commands = options.commandsAhead ?? 0;
  return {
    traits: LOCAL_TRAITS,
    // Function tasks wait on a busy worker thread, command tasks in the launcher.
    ahead:
      threads > 0 || commands > 0
        ? {
            limit: Math.max(threads, commands),
            limitOf: (task) => (task.action.kind === 'function' ? threads : commands),
            accepts: (task) => (task.action.kind === 'function' ? threads > 0 : commands > 0),
          }
        : undefined,
    submit: (attempt) => runLocalAttempt(attempt, context),
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
