// A task's identity across runs. Task ids are per run; what a task *is* from one run to the
// next is the step and the files it writes.

import type { Task } from '../../kernel/task.ts';

/**
 * `["step",["out/a.csv","out/b.csv"]]`: step name and sorted output paths as written. A task
 * without outputs (`sluice map` printing to the terminal) is named by its inputs and its number
 * instead, `["map",[],["a.txt"],3]`: `map ::: a b a` runs `a` twice, two tasks whose attempts
 * must not take each other's place. Such a task is never up to date.
 */
export function makeTaskKey(task: Pick<Task, 'id' | 'step' | 'inputs' | 'outputs'>): string {
  if (task.outputs.length === 1) return JSON.stringify([task.step, task.outputs]);
  if (task.outputs.length > 0) return JSON.stringify([task.step, [...task.outputs].sort()]);
  return JSON.stringify([task.step, [], task.inputs, task.id]);
}
