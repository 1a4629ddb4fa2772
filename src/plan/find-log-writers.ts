// Log paths (a step's `log`) are written in place and removed as an attempt starts: no log may be
// an output, lie inside one (a `directory()` output is replaced whole as its task succeeds, a
// file output cannot hold it), be a folder that holds one, another task's log or the pipeline
// file. Inputs are checked as the DAG is linked. Paths are compared resolved, so that
// `/project/logs/a.log` and `logs/a.log` are one log.

import path from 'node:path';
import { PlanError } from '../errors.ts';
import { nameTask } from '../kernel/name-task.ts';
import type { Task } from '../kernel/task.ts';

/** An output as written and its task, by resolved path (a folder output's without its `/`). */
type Outputs = Map<string, { readonly output: string; readonly task: Task }>;

/**
 * Every task's log, by resolved path, and its task; each must be no output, no other log, not the
 * pipeline file (null: no logs).
 */
export function findLogWriters(tasks: readonly Task[], makers: ReadonlyMap<string, Task>, file: string): Map<string, Task> | null {
  let writers: Map<string, Task> | null = null;
  let outputs: Outputs | undefined;
  let holders: Map<string, string> | undefined;
  for (let i = 0; i < tasks.length; i += 1) {
    const task = tasks[i] as Task;
    if (task.logs === undefined) continue;
    outputs ??= resolveOutputs(makers);
    for (const log of task.logs) {
      const resolved = path.resolve(task.cwd, log);
      // An attempt removes a stale log as it starts.
      if (resolved === file) {
        throw new PlanError(`Log \`${log}\` of task \`${nameTask(task)}\` is the pipeline file ${file}: each attempt would remove it`, { file, step: task.step, field: 'log' });
      }
      const maker = outputs.get(resolved);
      if (maker !== undefined) {
        throw new PlanError(
          `Log \`${log}\` of task \`${nameTask(task)}\` is also an output of task \`${nameTask(maker.task)}\`: ` +
            `a log is written in place and kept on failure, an output is staged (${file})`,
          { file, step: task.step, field: 'log' },
        );
      }
      const outer = findOuterOutput(resolved, outputs);
      if (outer !== undefined) {
        throw new PlanError(
          `Log \`${log}\` of task \`${nameTask(task)}\` lies inside \`${outer.output}\`, an output of task \`${nameTask(outer.task)}\`: ` +
            `a log is written in place and kept on failure, an output is staged and replaced whole (${file})`,
          { file, step: task.step, field: 'log' },
        );
      }
      holders ??= outputFolders(outputs);
      const held = holders.get(resolved);
      if (held !== undefined) {
        throw new PlanError(
          `Log \`${log}\` of task \`${nameTask(task)}\` is a folder that holds \`${held}\`, an output of task \`${nameTask(makers.get(held) as Task)}\`: ` +
            `one path cannot be both a file and a folder (${file})`,
          { file, step: task.step, field: 'log' },
        );
      }
      writers ??= new Map();
      const other = writers.get(resolved);
      if (other !== undefined) {
        throw new PlanError(
          other === task
            ? `Log \`${log}\` is declared twice by task \`${nameTask(task)}\` (${file})`
            : `Two tasks would write log \`${log}\`: task \`${nameTask(other)}\` and task \`${nameTask(task)}\` (${file})`,
          { file, step: task.step, field: 'log' },
        );
      }
      writers.set(resolved, task);
    }
  }
  return writers;
}

function resolveOutputs(makers: ReadonlyMap<string, Task>): Outputs {
  const outputs: Outputs = new Map();
  makers.forEach((task, output) => outputs.set(path.resolve(task.cwd, output), { output, task }));
  return outputs;
}

/** The output that is a folder above `log` (resolved), if any. */
function findOuterOutput(log: string, outputs: Outputs): { readonly output: string; readonly task: Task } | undefined {
  for (let folder = path.dirname(log); folder !== path.dirname(folder); folder = path.dirname(folder)) {
    const outer = outputs.get(folder);
    if (outer !== undefined) return outer;
  }
  return undefined;
}

/** Each folder above an output (resolved) → one output it holds, as written; walked once per folder. */
function outputFolders(outputs: Outputs): Map<string, string> {
  const folders = new Map<string, string>();
  outputs.forEach(({ output }, resolved) => {
    for (let folder = path.dirname(resolved); folder !== path.dirname(folder); folder = path.dirname(folder)) {
      if (folders.has(folder)) break;
      folders.set(folder, output);
    }
  });
  return folders;
}
