import type { Task } from './task.ts';

/** The step name of a `sluice map` task. */
export const MAP_STEP = 'map';

// Characters that make a wildcard value ambiguous or unreadable on one line: quoted as JSON.
const PLAIN_VALUE = /^[^\s,=[\]"\\\p{Cc}]*$/u;

/**
 * How a task is named wherever a user reads it: its step and wildcards, `bwa_map[sample=A]`
 * (`map[in=data/x.tsv]` for a `sluice map` task, whose input is its name). A value holding
 * spaces, commas, brackets or control characters is quoted, so a name stays one line.
 */
export function nameTask(task: Pick<Task, 'step' | 'wildcards' | 'inputs'>): string {
  // A `sluice map` task without wildcards, named without building entry arrays (a million-task dry run names each).
  if (task.wildcards === undefined && task.step === MAP_STEP && task.inputs.length === 1) return `${MAP_STEP}[in=${quoteValue(task.inputs[0] as string)}]`;
  let values = Object.entries(task.wildcards ?? {});
  if (values.length === 0 && task.step === MAP_STEP && task.inputs.length === 1) values = [['in', task.inputs[0] as string]];
  if (values.length === 0) return task.step;
  return `${task.step}[${values.map(([key, value]) => `${key}=${quoteValue(value)}`).join(', ')}]`;
}

function quoteValue(value: string): string {
  return PLAIN_VALUE.test(value) && value !== '' ? value : JSON.stringify(value);
}
