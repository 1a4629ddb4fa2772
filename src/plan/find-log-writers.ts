// Log paths (a step's `log`) are written in place and removed as an attempt starts: no log may be
// an output, another task's log or the pipeline file. Inputs are checked as the DAG is linked.

import path from 'node:path';
import { PlanError } from '../errors.ts';
import { nameTask } from '../kernel/name-task.ts';
import type { Task } from '../kernel/task.ts';

/** Every task's log path and its task; each must be no output, no other log, not the pipeline file (null: no logs). */
export function findLogWriters(tasks: readonly Task[], makers: ReadonlyMap<string, Task>, file: string): Map<string, Task> | null {
  let writers: Map<string, Task> | null = null;
  for (let i = 0; i < tasks.length; i += 1) {
    const task = tasks[i] as Task;
    if (task.logs === undefined) continue;
    for (const log of task.logs) {
      // An attempt removes a stale log as it starts.
      if (path.resolve(task.cwd, log) === file) {
        throw new PlanError(`Log \`${log}\` of task \`${nameTask(task)}\` is the pipeline file ${file}: each attempt would remove it`, { file, step: task.step, field: 'log' });
      }
      const maker = makers.get(log);
      if (maker !== undefined) {
        throw new PlanError(
          `Log \`${log}\` of task \`${nameTask(task)}\` is also an output of task \`${nameTask(maker)}\`: ` +
            `a log is written in place and kept on failure, an output is staged (${file})`,
          { file, step: task.step, field: 'log' },
        );
      }
      writers ??= new Map();
      const other = writers.get(log);
      if (other !== undefined) {
        throw new PlanError(
          other === task
            ? `Log \`${log}\` is declared twice by task \`${nameTask(task)}\` (${file})`
            : `Two tasks would write log \`${log}\`: task \`${nameTask(other)}\` and task \`${nameTask(task)}\` (${file})`,
          { file, step: task.step, field: 'log' },
        );
      }
      writers.set(log, task);
    }
  }
  return writers;
}
