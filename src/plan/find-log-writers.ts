// Log paths (a step's `log`) are written in place and removed as an attempt starts: no log may be
// an output, lie inside one (a `directory()` output is replaced whole as its task succeeds, a
// file output cannot hold it), be a folder that holds one, another task's log or the pipeline
// file. Inputs are checked as the DAG is linked.

import path from 'node:path';
import { PlanError } from '../errors.ts';
import { nameTask } from '../kernel/name-task.ts';
import type { Task } from '../kernel/task.ts';

/** Every task's log path and its task; each must be no output, no other log, not the pipeline file (null: no logs). */
export function findLogWriters(tasks: readonly Task[], makers: ReadonlyMap<string, Task>, file: string): Map<string, Task> | null {
  let writers: Map<string, Task> | null = null;
  let holders: Map<string, string> | undefined;
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
      const outer = findOuterOutput(log, makers);
      if (outer !== undefined) {
        throw new PlanError(
          `Log \`${log}\` of task \`${nameTask(task)}\` lies inside \`${outer}\`, an output of task \`${nameTask(makers.get(outer) as Task)}\`: ` +
            `a log is written in place and kept on failure, an output is staged and replaced whole (${file})`,
          { file, step: task.step, field: 'log' },
        );
      }
      holders ??= outputFolders(makers);
      const held = holders.get(log);
      if (held !== undefined) {
        throw new PlanError(
          `Log \`${log}\` of task \`${nameTask(task)}\` is a folder that holds \`${held}\`, an output of task \`${nameTask(makers.get(held) as Task)}\`: ` +
            `one path cannot be both a file and a folder (${file})`,
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

/** The output (as written; a `directory()` output ends in `/`) that is a folder above `log`, if any. */
function findOuterOutput(log: string, makers: ReadonlyMap<string, Task>): string | undefined {
  for (let folder = path.dirname(log); folder !== '.' && folder !== path.dirname(folder); folder = path.dirname(folder)) {
    if (makers.has(folder)) return folder;
    if (makers.has(`${folder}/`)) return `${folder}/`;
  }
  return undefined;
}

/** Each folder above an output (as written) → one output it holds; walked once per folder. */
function outputFolders(makers: ReadonlyMap<string, Task>): Map<string, string> {
  const folders = new Map<string, string>();
  makers.forEach((_task, output) => {
    for (let folder = path.dirname(output); folder !== '.' && folder !== path.dirname(folder); folder = path.dirname(folder)) {
      if (folders.has(folder)) break;
      folders.set(folder, output);
    }
  });
  return folders;
}
