// Two paths that are one file through a symlinked folder (`link -> d`: `link/a.txt` is
// `d/a.txt`): compared as strings (check-outputs.ts, link-tasks.ts) they differ, so a task could
// overwrite its own input (`in: 'link/{x}.txt'`, `out: 'd/{x}.txt'`; `sluice map ::: d/a.txt
// --out 'link/{name}'`), or two tasks write one file, the last one winning. SPEC: two tasks that
// would write one path, or an output that is an input of any task, are plan errors.

import path from 'node:path';
import { PlanError } from '../errors.ts';
import { nameTask } from '../kernel/name-task.ts';
import { resolveTaskPath } from '../kernel/resolve-task-path.ts';
import type { Task } from '../kernel/task.ts';
import { createAliasFinder } from './real-folder.ts';

/**
 * Refuses outputs that are, through a symlinked folder, another task's output or any task's
 * input. One realpath per folder named (as written); a plan whose folders are all where their
 * names say (the usual one) costs a Map lookup per path and nothing more.
 */
export function refuseLinkedClashes(tasks: readonly Task[], base: string, file?: string): void {
  const aliasOf = createAliasFinder(base);
  // Folder as written (with the task's folder) → where it is on disk, or null when that is its name.
  const folders = new Map<string, string | null>();
  const realFolder = (cwd: string, written: string): string | null => {
    const key = `${cwd}\0${written}`;
    let real = folders.get(key);
    if (real === undefined) {
      real = aliasOf(path.dirname(resolveTaskPath(cwd, `${written}x`))) ?? null;
      folders.set(key, real);
    }
    return real;
  };
  // Consecutive paths mostly share their folder: each new one is asked once.
  let lastCwd = '';
  let lastFolder: string | undefined;
  const isAliased = (cwd: string, named: string): boolean => {
    const folder = folderOf(named);
    if (folder === lastFolder && cwd === lastCwd) return false;
    lastCwd = cwd;
    lastFolder = folder;
    return realFolder(cwd, folder) !== null;
  };
  let aliased = false;
  for (let i = 0; i < tasks.length && !aliased; i += 1) {
    const task = tasks[i] as Task;
    for (let j = 0; j < task.outputs.length && !aliased; j += 1) aliased = isAliased(task.cwd, task.outputs[j] as string);
    for (let j = 0; j < task.inputs.length && !aliased; j += 1) aliased = isAliased(task.cwd, task.inputs[j] as string);
  }
  if (!aliased) return;
  const realPath = (task: Task, named: string): string => {
    const trimmed = named.endsWith('/') ? named.slice(0, -1) : named;
    const folder = realFolder(task.cwd, folderOf(trimmed));
    return folder === null ? resolveTaskPath(task.cwd, trimmed) : path.join(folder, path.basename(trimmed));
  };
  const where = file === undefined ? '' : ` (${file})`;
  const writers = new Map<string, { readonly task: Task; readonly named: string }>();
  for (const task of tasks) {
    for (const named of task.outputs) {
      const real = realPath(task, named);
      const other = writers.get(real);
      if (other !== undefined && other.named !== named) {
        throw new PlanError(
          `Two tasks would write one file through a symlinked folder: \`${other.named}\` of task \`${nameTask(other.task)}\` and \`${named}\` of task \`${nameTask(task)}\` are both ${real}${where}`,
          { file, step: task.step, field: 'out' },
        );
      }
      writers.set(real, { task, named });
    }
  }
  for (const task of tasks) {
    for (const named of task.inputs) {
      const writer = writers.get(realPath(task, named));
      if (writer === undefined || writer.named === named) continue;
      throw new PlanError(
        `Output \`${writer.named}\` of task \`${nameTask(writer.task)}\` is, through a symlinked folder, ` +
          (writer.task === task
            ? `its own input \`${named}\`: it would overwrite what it reads${where}`
            : `input \`${named}\` of task \`${nameTask(task)}\`: no task would wait for the other. Name the file alike in both${where}`),
        { file, step: writer.task.step, field: 'out' },
      );
    }
  }
}

// The folder part of a path as written, with its slash (`d/` of `d/a.txt`, '' of `a.txt`).
function folderOf(named: string): string {
  return named.slice(0, named.lastIndexOf('/') + 1);
}
