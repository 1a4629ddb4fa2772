import { bug } from '../errors.ts';
import type { Executor } from '../execute/executor.ts';
import type { FunctionRunner } from '../execute/worker/function-runner.ts';
import type { Task } from '../kernel/task.ts';
import type { Launcher } from '../process/launch-types.ts';
import { withDeletedTemporaries } from '../state/journal/deleted-temporaries.ts';
import { createHashCache } from '../state/hashes/hash-cache.ts';
import { createThreadHasher } from '../state/hashes/hash-in-threads.ts';
import { createTemporaryJanitor } from './delete-temporaries.ts';
import { makeRunId, runLogDir } from '../state/logs/logs-dir.ts';
import { openStore, type StateStore } from '../state/store/open-store.ts';
import { pruneRuns } from '../state/journal/prune-runs.ts';
import { readLogLimits } from '../state/logs/log-limits.ts';
import { createJournal } from '../state/journal/journal.ts';
import { createSuccessCommitter, type SuccessCommitter } from './commit-successes.ts';
import { classifyStoreFault, guardEnvironment, stateDirGone } from './guard-environment.ts';
import { withRememberedHashes } from '../state/hashes/remembered-hashes.ts';
import { resolveTaskPath } from '../kernel/resolve-task-path.ts';
import { createProcessRecorder, type ProcessRecorder } from '../state/journal/record-running-processes.ts';
import { readProcessStart } from '../state/lock/process-start.ts';
import { acquireRunLock } from '../state/lock/run-lock.ts';
import { forgetSnapshots, takeSnapshot, writeSnapshot, type SnapshotRequest } from '../state/freshness/up-to-date-snapshot.ts';
import { endPreviousRun } from './end-previous-run.ts';
import { createAttemptRecorder } from './record-attempts.ts';
import { removeStaleTemporaries } from './remove-stale-temporaries.ts';
import type { RunListener, RunSummary } from './run-events.ts';
import { runTasks } from './run-tasks.ts';
import { createUpToDateGate, type Survey } from './up-to-date-gate.ts';

export interface PlannedRun {
  /** The folder whose `.sluice/` holds state and logs (the pipeline's folder, or cwd for `map`). */
  readonly root: string;
  readonly tasks: readonly Task[];
  readonly dependencies?: ReadonlyMap<number, readonly number[]>;
  readonly forcedSteps?: ReadonlySet<string>;
  /** Tasks named by the run's targets: their deleted temporary outputs are remade, and kept. */
  readonly targets?: ReadonlySet<number>;
  /** Given: should every task be up to date, leave a snapshot for the next run to confirm. */
  readonly snapshot?: SnapshotRequest | undefined;
}

export interface RunPlanOptions extends PlannedRun {
  readonly jobs: number;
  readonly keepGoing: boolean;
  readonly signal?: AbortSignal;
  /** Shown to a second sluice refused by the lock, and kept with the run. */
  readonly command: string;
  readonly listeners?: readonly RunListener[];
  readonly killGraceMs?: number;
  readonly stderrTailLines?: number;
  /**
   * A listener prints each task's standard output from its capture and bounds the capture then
   * (report/print-task-output.ts): the executor leaves those captures whole.
   */
  readonly stdoutPrinted?: boolean;
  /** Another backend (tests, Slurm); default: local processes and worker threads. */
  readonly createExecutor?: (context: ExecutorContext) => Promise<Executor>;
  /** Told about the survey before any task starts (e.g. to print "nothing to do"). */
  readonly onSurvey?: (survey: Survey) => void;
  /**
   * Worker threads for function steps that the caller started early (a first run, while it was
   * planned), with `jobs` threads: used instead of new ones, and closed with the run.
   */
  readonly functionRunner?: Promise<FunctionRunner> | undefined;
}

export interface ExecutorContext {
  readonly runId: string;
  readonly logDir: string;
  readonly store: StateStore;
  /**
   * Records a success; `paths`: where the outputs are now, if not yet in their final place;
   * `digests`: the outputs' hashes, taken where they were written, for the tasks that read them;
   * `inputDigests`: the inputs' hashes, taken as the task read them (`inputsToHash`). The outputs
   * stay where they are until what it returns has resolved: successes are written in batches.
   */
  readonly commit: SuccessCommitter['commit'];
  /** Indexes of a task's outputs that other tasks of the run read. */
  readonly outputsRead: (task: Task) => number[];
  /**
   * Indexes of a function task's inputs that the thread running it should hash as it starts:
   * those of a task that runs unsigned (a first run), unless this run wrote them and knows them.
   */
  readonly inputsToHash: (task: Task) => number[];
}

export interface RunResult extends RunSummary {
  readonly runId: string;
  readonly survey: Survey;
}

/** Which tasks would run and why, without running or locking anything (`--dry-run`, `status`). */
export async function surveyPlan(plan: PlannedRun): Promise<Survey> {
  const store = openStore(plan.root);
  try {
    const cache = withDeletedTemporaries(store, createHashCache(store));
    const gate = createUpToDateGate({ store, cache, forcedSteps: plan.forcedSteps, targets: plan.targets });
    return await gate.survey(plan.tasks, plan.dependencies ?? new Map());
  } finally {
    store.close();
  }
}

/**
 * Runs planned tasks with state: one sluice per folder, up-to-date tasks skipped, successes
 * recorded, attempts and logs kept. The shared core of `sluice map` and `sluice run`.
 */
export async function runPlan(options: RunPlanOptions): Promise<RunResult> {
  // First: a bad SLUICE_LOG_* value is refused before anything is locked or run.
  const logLimits = readLogLimits();
  const store = openStore(options.root);
  const lock = acquireRunLock(options.root, { command: options.command });
  // Every task's process group, as it starts: what a SIGKILL of this run leaves is ended by the next.
  const processes = createProcessRecorder(store, lock.info.token);
  // The launcher (a python process, ~60-100 ms to start) is started only when a task is to
  // run: a no-op run neither loads child_process nor starts it (20-40 ms of a 10,000-task no-op
  // run). A file the survey has to read (an input changed or is new) is taken as the sign: the
  // launcher then boots while the rest of the plan is checked, as early as it used to start.
  let launcher: Promise<Launcher> | undefined;
  // Resolves once the launcher is spawned, not once it is ready.
  const startLauncher = async (): Promise<{ ready: Promise<Launcher> }> => {
    const { createLauncher } = await import('../process/create-launcher.ts');
    if (launcher === undefined) {
      launcher = createLauncher({ watcher: processes });
      launcher.catch(() => {});
    }
    return { ready: launcher };
  };
  // The worker threads of function steps start on the same hint, when the plan has such steps:
  // they boot (~50 ms each) while the rest of the plan is checked.
  const hasFunctions = options.tasks.some((task) => task.action.kind === 'function');
  const hasCommands = options.tasks.some((task) => task.action.kind !== 'function');
  // Whether the executor asked for the launcher, and so closes it.
  let launcherHandedOver = false;
  let functionRunner: Promise<FunctionRunner> | undefined = options.functionRunner;
  const startFunctionRunner = (): Promise<FunctionRunner> => {
    functionRunner ??= import('../execute/worker/create-function-runner.ts').then(({ createFunctionRunner }) => {
      const runner = createFunctionRunner({ threads: options.jobs, preload: listFunctionModules(options.tasks), killGraceMs: options.killGraceMs });
      runner.warm();
      return runner;
    });
    return functionRunner;
  };
  let executor: Executor | undefined;
  // Large files are hashed on -j worker threads (a first run hashes every input before it starts).
  const threadHasher = createThreadHasher(options.jobs);
  // What the first file hashed started (the launcher, the function steps' threads).
  let hinted: Promise<unknown> | undefined;
  try {
    if (lock.note !== undefined) process.stderr.write(`sluice: ${lock.note}\n`);
    // Before anything is cleaned up or started: no process of a killed run writes any more.
    await endPreviousRun(store);
    // Whatever this run does, a snapshot taken before it no longer speaks for the files.
    forgetSnapshots(options.root);
    const cleanup = await removeStaleTemporaries(store, options.tasks);
    const dependencies = options.dependencies ?? new Map<number, readonly number[]>();
    const observed = options.snapshot === undefined ? undefined : { inputs: new Map<string, string>(), outputs: new Map<string, string>() };
    // The first file that must be read is the sign that tasks will run: what they need starts
    // booting then, while the files are hashed. A survey that reads nothing (a first run: tasks
    // whose outputs are missing are signed when they are about to run) gives the sign when it ends.
    const hint = (): void => {
      if (hinted === undefined && options.createExecutor === undefined) {
        hinted = Promise.all([hasCommands ? startLauncher() : undefined, hasFunctions ? startFunctionRunner() : undefined]).catch(() => {});
      }
    };
    const hasher = (file: string, size?: number): Promise<string> => {
      hint();
      return threadHasher.hash(file, size);
    };
    const cache = withRememberedHashes(withDeletedTemporaries(store, createHashCache(store, { hasher, observe: observed?.inputs })));
    // A function task that must run is signed after it ran, with the hashes its worker thread
    // took of its inputs as it read them (local executor only: it is the one that hashes them).
    const deferSigning = options.createExecutor === undefined ? (task: Task) => task.action.kind === 'function' : undefined;
    const gate = createUpToDateGate({ store, cache, forcedSteps: options.forcedSteps, targets: options.targets, observeOutputs: observed?.outputs, deferSigning });
    const survey = await gate.survey(options.tasks, dependencies);
    const allUpToDate = survey.upToDate.size === options.tasks.length;
    if (!allUpToDate) hint();
    options.onSurvey?.(survey);
    const janitor = createTemporaryJanitor(store, cache, options.tasks, dependencies, options.targets);
    const runId = makeRunId();
    const journal = createJournal(store);
    journal.startRun({ id: runId, command: options.command });
    const logDir = runLogDir(options.root, runId);
    const committer = createSuccessCommitter(store, journal, gate, cache);
    const outputsRead = listOutputsRead(options.tasks);
    const context: ExecutorContext = { runId, logDir, store, commit: committer.commit, outputsRead, inputsToHash: committer.inputsToHash };
    // With every task up to date, a no-op run loads neither the local executor nor
    // child_process and worker_threads (~70 M instructions of a cold start).
    const idle = options.createExecutor === undefined && allUpToDate;
    // What function steps (and the spawn launcher's tasks) start carries this pid: if this run
    // is killed, the next ends it.
    if (!allUpToDate) processes.spawnerStarted(process.pid, readProcessStart(process.pid));
    const backend = idle
      ? NOTHING_TO_RUN
      : await (
          options.createExecutor ??
          createDefaultExecutor(
            options,
            () => {
              launcherHandedOver = true;
              return startLauncher();
            },
            hasFunctions ? startFunctionRunner : undefined,
          )
        )(context);
    executor = backend;
    const recorder = createAttemptRecorder(journal, store.dbPath);
    const summary = await runTasks(
      options.tasks,
      guardEnvironment(executor, { stateDir: store.stateDir, dbPath: store.dbPath, logDir }),
      {
        jobs: options.jobs,
        keepGoing: options.keepGoing,
        signal: options.signal,
        dependencies,
        upToDate: survey.upToDate,
        decide: (task) => gate.decide(task).catch((error: unknown) => Promise.reject(classifyStoreFault(error, store.dbPath))),
      },
      [recorder, janitor, ...(options.listeners ?? [])],
    );
    if (summary.fault !== undefined) {
      // What can still be written is (the attempts, for `status`); the fault ends the run.
      try {
        committer.flush();
        journal.finishRun('failed');
      } catch {}
      throw summary.fault;
    }
    committer.flush();
    // Its staging folders go first: the janitor removes the folders that deleting temporaries
    // emptied, and a pooled staging folder would keep one.
    const ended = executor;
    executor = undefined;
    await ended.shutdown();
    const swept = summary.interrupted ? 0 : await janitor.sweep();
    journal.finishRun(summary.interrupted ? 'interrupted' : summary.failures.length > 0 ? 'failed' : 'succeeded');
    pruneRuns(store, { keep: logLimits.runs, keepBytes: logLimits.totalBytes, currentRunId: runId });
    // Only a run that changed nothing on disk: what it listed and stat'ed is still what is there.
    if (options.snapshot !== undefined && observed !== undefined && idle && !summary.interrupted && cleanup.recovered + cleanup.removed + swept === 0) {
      const snapshot = takeSnapshot(options.snapshot, options.tasks, observed);
      if (snapshot !== undefined) writeSnapshot(options.snapshot.file, snapshot);
    }
    return { ...summary, runId, survey };
  } catch (error) {
    // With `.sluice/` removed, SQLite refuses writes to the database it no longer finds.
    throw stateDirGone({ stateDir: store.stateDir, dbPath: store.dbPath }) ?? error;
  } finally {
    // Spawned by now, whatever the hint started, so that it is closed below.
    await hinted;
    await threadHasher.close();
    await executor?.shutdown();
    // Started on a hint, and not closed by an executor that never ran a function step.
    await (await functionRunner?.catch(() => undefined))?.close();
    // Started on a hint, and never asked for: every task was up to date (a file touched, its
    // content the same), or only function steps ran.
    if (!launcherHandedOver) await (await launcher?.catch(() => undefined))?.close();
    await endOwnLeftovers(processes, store);
    lock.release();
    store.close();
  }
}

// What the launcher could not end (it died while tasks ran) is ended now, not left to the next run.
async function endOwnLeftovers(processes: ProcessRecorder, store: StateStore): Promise<void> {
  processes.flush();
  try {
    await endPreviousRun(store);
  } catch (error) {
    // Still recorded: the next run tries again before it starts anything.
    process.stderr.write(`sluice: ${(error as Error).message}\n`);
  }
}

// Local processes and worker threads, loaded when a task is about to run.
function createDefaultExecutor(
  options: RunPlanOptions,
  startLauncher: () => Promise<{ ready: Promise<Launcher> }>,
  startFunctionRunner: (() => Promise<FunctionRunner>) | undefined,
) {
  return async (context: ExecutorContext): Promise<Executor> => {
    const [{ createLocalExecutor }, { createFunctionRunner }, runner] = await Promise.all([
      import('../execute/local-executor.ts'),
      import('../execute/worker/create-function-runner.ts'),
      startFunctionRunner?.(),
    ]);
    return createLocalExecutor({
      // Asked for when the first command task is submitted.
      launcher: async () => (await startLauncher()).ready,
      logDir: context.logDir,
      runTag: context.runId,
      stderrTailLines: options.stderrTailLines,
      killGraceMs: options.killGraceMs,
      streamCapBytes: readLogLimits().streamBytes,
      stdoutPrinted: options.stdoutPrinted,
      onOutputsReady: ({ task, attempt }, { paths, startedAt, endedAt, digests, inputDigests }) =>
        context.commit(task, attempt, startedAt, endedAt, paths, digests, inputDigests),
      outputsToDigest: context.outputsRead,
      inputsToDigest: context.inputsToHash,
      createFunctionRunner: () => runner ?? createFunctionRunner({ threads: options.jobs }),
      functionThreads: options.jobs,
    });
  };
}

// The pipeline files whose steps the tasks call: each worker thread loads them as it starts.
function listFunctionModules(tasks: readonly Task[]): string[] {
  const modules = new Set<string>();
  for (let i = 0; i < tasks.length; i += 1) {
    const action = (tasks[i] as Task).action;
    if (action.kind === 'function') modules.add(action.module);
  }
  return [...modules];
}

// Which outputs of a task other tasks read (by absolute path): those are worth hashing as soon
// as they are written. The set of read paths is made on first use, when a task has run.
function listOutputsRead(tasks: readonly Task[]): (task: Task) => number[] {
  let read: Set<string> | undefined;
  return (task) => {
    if (read === undefined) {
      read = new Set();
      for (let i = 0; i < tasks.length; i += 1) {
        const { cwd, inputs } = tasks[i] as Task;
        for (let j = 0; j < inputs.length; j += 1) read.add(resolveTaskPath(cwd, inputs[j] as string));
      }
    }
    const indexes: number[] = [];
    for (let i = 0; i < task.outputs.length; i += 1) {
      if (read.has(resolveTaskPath(task.cwd, task.outputs[i] as string))) indexes.push(i);
    }
    return indexes;
  };
}

// The executor of a run that found every task up to date: the scheduler never submits.
const NOTHING_TO_RUN: Executor = {
  traits: { name: 'none', printsStdout: false },
  submit: () => bug('a task was submitted in a run that found every task up to date'),
  cancel: () => {},
  shutdown: async () => {},
};
