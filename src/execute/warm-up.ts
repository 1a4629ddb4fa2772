import type { Task } from '../kernel/task.ts';
import type { Launcher, LauncherOptions } from '../process/launch-types.ts';
import type { EarlyLauncher } from './early-launcher.ts';
import type { ExecutorTraits } from './executor.ts';
import type { FunctionRunner } from './worker/function-runner.ts';

export interface WarmUpSettings {
  readonly tasks: readonly Task[];
  /** Worker threads for function steps, and how many function tasks run at once. */
  readonly jobs: number;
  readonly killGraceMs?: number | undefined;
  /** Told of each process group the launcher starts (the session records them). */
  readonly watcher?: LauncherOptions['watcher'];
  /** Function threads the caller started early (a first run, while it was planned): used, not new ones. */
  readonly functionRunner?: Promise<FunctionRunner> | undefined;
  /** The launcher the caller started early (every task will run): adopted, not a new one. */
  readonly launcher?: EarlyLauncher | undefined;
}

/** What a backend that runs tasks here needs before its first task: the launcher, the function threads. */
export interface WarmUp {
  /** Starts booting what the backend's traits say it runs here, for the tasks that need it. Idempotent. */
  warm(): void;
  /** The launcher, started now if it was not; resolves once it is spawned, not once it is ready. */
  startLauncher(): Promise<{ readonly ready: Promise<Launcher> }>;
  /** The function threads, started now if they were not; undefined when no task is a function step. */
  startFunctionRunner: (() => Promise<FunctionRunner>) | undefined;
  /** The executor asked for the launcher, and so closes it. */
  handOverLauncher(): void;
  /** Closes what was started and not handed over (every task up to date, or only function steps ran). */
  close(): Promise<void>;
}

/**
 * The launcher (a python process, ~60-100 ms to start) and the worker threads of function steps
 * (~50 ms each) boot on the first sign that tasks will run, while the rest of the plan is checked;
 * a no-op run starts neither, nor loads child_process or worker_threads.
 */
export function createWarmUp(traits: ExecutorTraits, settings: WarmUpSettings): WarmUp {
  const hasFunctions = settings.tasks.some((task) => task.action.kind === 'function');
  const hasCommands = settings.tasks.some((task) => task.action.kind !== 'function');
  // Adopted now, the session open: the helper is recorded before any task can start.
  let launcher: Promise<Launcher> | undefined = hasCommands ? settings.launcher?.adopt(settings.watcher) : undefined;
  let handedOver = false;
  launcher?.catch(() => {});
  let functionRunner = settings.functionRunner;
  // What warm() started, spawned by now.
  let warming: Promise<unknown> | undefined;
  const startLauncher = async (): Promise<{ ready: Promise<Launcher> }> => {
    const { createLauncher } = await import('../process/create-launcher.ts');
    if (launcher === undefined) {
      launcher = createLauncher({ watcher: settings.watcher });
      launcher.catch(() => {});
    }
    return { ready: launcher };
  };
  const startFunctionRunner = (): Promise<FunctionRunner> => {
    functionRunner ??= import('./worker/create-function-runner.ts').then(({ createFunctionRunner }) => {
      const runner = createFunctionRunner({ threads: settings.jobs, preload: listFunctionModules(settings.tasks), killGraceMs: settings.killGraceMs });
      runner.warm();
      return runner;
    });
    return functionRunner;
  };
  return {
    warm(): void {
      warming ??= Promise.all([
        traits.launchesCommandsHere === true && hasCommands ? startLauncher() : undefined,
        traits.runsFunctionsInProcess === true && hasFunctions ? startFunctionRunner() : undefined,
      ]).catch(() => {});
    },
    startLauncher,
    startFunctionRunner: hasFunctions ? startFunctionRunner : undefined,
    handOverLauncher: () => {
      handedOver = true;
    },
    async close(): Promise<void> {
      await warming;
      await (await functionRunner?.catch(() => undefined))?.close();
      if (!handedOver) await (await launcher?.catch(() => undefined))?.close();
    },
  };
}

/**
 * Function threads started before the plan exists (a first run: every task will run), loading
 * the pipeline while it is planned; handed to the run as `functionRunner`.
 */
export async function startFunctionThreads(threads: number, modules: readonly string[]): Promise<FunctionRunner> {
  const { createFunctionRunner } = await import('./worker/create-function-runner.ts');
  const runner = createFunctionRunner({ threads, preload: [...modules] });
  runner.warm();
  return runner;
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
