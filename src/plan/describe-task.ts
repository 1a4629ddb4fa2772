import type { Task } from './task.ts';

/** A task in a plan error, by its wildcard values: "(sample=a, lane=1)", or "(task 3)" without wildcards. */
export function describeTask(task: Task): string {
  const values = Object.entries(task.wildcards ?? {});
  return values.length === 0 ? `(task ${task.id})` : `(${values.map(([key, value]) => `${key}=${value}`).join(', ')})`;
}
