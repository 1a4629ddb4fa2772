import fs from 'node:fs/promises';
import type { Task } from '../plan/task.ts';
import type { LaunchResult, RunningProcess } from '../process/launch-types.ts';
import type { FunctionRunner } from './worker/function-runner.ts';

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
): RunningProcess {
  const controller = new AbortController();
  const startedAt = Date.now();
  const done = (async (): Promise<LaunchResult> => {
    const result = await runner.run(task, outputs, controller.signal);
    const base = { pid: 0, signal: null, startedAt, endedAt: Date.now() };
    if (result.ok) {
      return { ...base, exitCode: 0, timedOut: false, cancelled: false };
    }
    await fs.writeFile(stderrPath, `${result.stack ?? result.message}\n`);
    return {
      ...base,
      exitCode: result.timedOut === true || result.cancelled === true ? null : 1,
      timedOut: result.timedOut === true,
      cancelled: result.cancelled === true,
      spawnError: result.timedOut === true || result.cancelled === true ? undefined : { code: 'EFUNCTION', message: result.message },
    };
  })();
  return { done, cancel: () => controller.abort() };
}
