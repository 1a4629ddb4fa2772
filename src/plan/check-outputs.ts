import path from 'node:path';
import { PlanError } from '../errors.ts';
import type { Task } from '../kernel/task.ts';

const MAX_LISTED = 5;

/**
 * Refuses plans where two tasks write one path or a task would overwrite an input: the lesson's
 * "only the last result survives" and "the output name overwrote the input" hazards.
 */
export function checkOutputs(tasks: readonly Task[]): void {
  const writers = new Map<string, Task>();
  const clashes: string[] = [];
  const keyOf = createPathKey(tasks[0]?.cwd ?? '/');
  for (const task of tasks) {
    for (const output of task.outputs) {
      const key = keyOf(task.cwd, output);
      const other = writers.get(key);
      if (other !== undefined) {
        clashes.push(`${output} (tasks ${describe(other)} and ${describe(task)})`);
      } else writers.set(key, task);
    }
  }
  if (clashes.length > 0) {
    throw new PlanError(`Two tasks would write the same output path: ${listSome(clashes)}`);
  }
  const overwrites: string[] = [];
  for (const task of tasks) {
    for (const input of task.inputs) {
      const writer = writers.get(keyOf(task.cwd, input));
      if (writer !== undefined) overwrites.push(`${input} (output of task ${describe(writer)})`);
    }
  }
  if (overwrites.length > 0) {
    throw new PlanError(`An output path is also an input: ${listSome(overwrites)}`);
  }
}

/**
 * One key per file: the path relative to `base` where it lies under `base`, else absolute. A
 * plain relative path (no `.`, `..` or empty segment) under `base` is its own key, so a million
 * `sluice map` outputs are checked without resolving (path.resolve was most of planning's time).
 */
export function createPathKey(base: string): (cwd: string, file: string) => string {
  const prefix = base.endsWith('/') ? base : `${base}/`;
  return (cwd, file) => {
    if (cwd === base && isPlainRelative(file)) return file;
    const resolved = path.resolve(cwd, file);
    return resolved.startsWith(prefix) ? resolved.slice(prefix.length) : resolved;
  };
}

// Cheap string tests, no allocation; anything unusual (`./x`, `a//b`, `.hidden`) takes the slow path.
function isPlainRelative(file: string): boolean {
  return file !== '' && file[0] !== '/' && file[0] !== '.' && !file.endsWith('/') && !file.includes('//') && !file.includes('/.');
}

function describe(task: Task): string {
  return `${task.id}${task.inputs[0] === undefined ? '' : ` for ${task.inputs[0]}`}`;
}

function listSome(items: readonly string[]): string {
  const shown = items.slice(0, MAX_LISTED).join('; ');
  return items.length > MAX_LISTED ? `${shown}; and ${items.length - MAX_LISTED} more` : shown;
}
