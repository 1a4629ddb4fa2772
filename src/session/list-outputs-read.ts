import { resolveTaskPath } from '../kernel/resolve-task-path.ts';
import type { Task } from '../kernel/task.ts';

/**
 * Which outputs of a task other tasks read (by absolute path): those are worth hashing as soon
 * as they are written. The set of read paths is made on first use, when a task has run.
 */
export function listOutputsRead(tasks: readonly Task[]): (task: Task) => number[] {
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
