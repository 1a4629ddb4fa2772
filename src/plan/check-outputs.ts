import { bug, PlanError } from '../errors.ts';
import type { Task } from '../kernel/task.ts';
import { resolveTaskPath } from '../kernel/resolve-task-path.ts';

const MAX_LISTED = 5;

/**
 * Refuses plans where two tasks write one path or a task would overwrite an input: the lesson's
 * "only the last result survives" and "the output name overwrote the input" hazards.
 */
export function checkOutputs(tasks: readonly Task[]): void {
  const keyOf = createPathKey(tasks[0]?.cwd ?? '/');
  if (!hasSharedKey(tasks, keyOf)) return;
  describeClashes(tasks, keyOf);
  bug('checkOutputs found two tasks sharing a path and could not name them');
}

/**
 * Whether any two outputs, or an input and an output, have one key. Sorted lists compared side
 * by side, not a Map of every output: a million `sluice map` outputs are sorted in ~0.2 s, where
 * filling a Map with them took ~1 s (plan-million). Only a plan that clashes is checked again,
 * to name the tasks.
 */
function hasSharedKey(tasks: readonly Task[], keyOf: (cwd: string, file: string) => string): boolean {
  const outputs: string[] = [];
  const inputs: string[] = [];
  for (let i = 0; i < tasks.length; i += 1) {
    const task = tasks[i] as Task;
    for (let j = 0; j < task.outputs.length; j += 1) outputs.push(keyOf(task.cwd, task.outputs[j] as string));
  }
  if (outputs.length === 0) return false;
  // The default sort compares UTF-16 code units, as `<` does below.
  outputs.sort();
  for (let i = 1; i < outputs.length; i += 1) if (outputs[i] === outputs[i - 1]) return true;
  for (let i = 0; i < tasks.length; i += 1) {
    const task = tasks[i] as Task;
    for (let j = 0; j < task.inputs.length; j += 1) inputs.push(keyOf(task.cwd, task.inputs[j] as string));
  }
  inputs.sort();
  for (let i = 0, o = 0; i < inputs.length && o < outputs.length; ) {
    const input = inputs[i] as string;
    const output = outputs[o] as string;
    if (input === output) return true;
    if (input < output) i += 1;
    else o += 1;
  }
  return false;
}

// The tasks behind each clash, in task order, as the error names them.
function describeClashes(tasks: readonly Task[], keyOf: (cwd: string, file: string) => string): void {
  const writers = new Map<string, Task>();
  const clashes: string[] = [];
  let repeated: Task | undefined;
  for (const task of tasks) {
    for (const output of task.outputs) {
      const key = keyOf(task.cwd, output);
      const other = writers.get(key);
      if (other !== undefined) {
        clashes.push(`${output} (tasks ${describe(other)} and ${describe(task)})`);
        if (repeated === undefined && isRepeat(other, task)) repeated = task;
      } else writers.set(key, task);
    }
  }
  if (clashes.length > 0) {
    throw new PlanError(`Two tasks would write the same output path: ${listSome(clashes)}${describeRepeat(repeated)}`);
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
    // As path.resolve, with the folder of `../data/f1.txt`-like paths resolved once.
    const resolved = resolveTaskPath(cwd, file);
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

// Two tasks of one step with the same inputs: the input was given twice (`::: a b a`, a line
// repeated on stdin), the usual cause of this clash in `sluice map`.
function isRepeat(first: Task, second: Task): boolean {
  if (first.step !== second.step || first.cwd !== second.cwd || first.inputs.length !== second.inputs.length) return false;
  return first.inputs.every((input, index) => input === second.inputs[index]);
}

function describeRepeat(task: Task | undefined): string {
  if (task === undefined) return '';
  const what = task.inputs.length === 0 ? 'the same inputs are' : `\`${task.inputs.join(' ')}\` is`;
  const again = task.step === 'map' ? ', or put `{#}` (the task number) in --out to run it again' : '';
  return `. ${what} given twice: give it once${again}`;
}

function listSome(items: readonly string[]): string {
  const shown = items.slice(0, MAX_LISTED).join('; ');
  return items.length > MAX_LISTED ? `${shown}; and ${items.length - MAX_LISTED} more` : shown;
}
