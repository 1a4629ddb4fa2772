import path from 'node:path';
import type { Step, StepContext } from '../../plan/define-pipeline.ts';
import type { Task } from '../../kernel/task.ts';
import { threadsOf } from '../../kernel/render-action.ts';

// Worker threads cannot chdir, so every path a step function sees is absolute.

/**
 * The StepContext of a function step: `inputs` and `outputs` take the shape the step declared
 * (`in: 'a'` → a path, `in: ['a', 'b']` → paths, `in: { x, all: all(...) }` → a record with a list
 * for each gather). A step without `in` gets `input: ''` and `inputs: []`.
 */
export function buildStepContext(task: Task, step: Pick<Step, 'in' | 'out' | 'log'>, outputs: readonly string[]): StepContext {
  const inputs = task.inputs.map((input) => path.resolve(task.cwd, input));
  const logs = (task.logs ?? []).map((log) => path.resolve(task.cwd, log));
  return {
    wildcards: { ...task.wildcards },
    input: inputs[0] ?? '',
    inputs: shapeInputs(step.in, inputs, task.inputNames) as StepContext['inputs'],
    output: outputs[0] ?? '',
    outputs: shapeOutputs(step.out, outputs, task.outputNames) as StepContext['outputs'],
    log: logs[0],
    logs: (step.log === undefined ? undefined : shapeOutputs(step.log, logs, undefined)) as StepContext['logs'],
    params: { ...task.params },
    threads: threadsOf(task),
    step: task.step,
    taskId: task.id,
  };
}

type Names = Readonly<Record<string, number | readonly number[]>> | undefined;

function shapeInputs(spec: Step['in'], paths: readonly string[], names: Names): unknown {
  if (spec === undefined) return [];
  if (typeof spec === 'string') return pick(paths, names?.['0'] ?? 0);
  if (Array.isArray(spec)) return spec.map((_, at) => pick(paths, names?.[String(at)] ?? at));
  return Object.fromEntries(Object.keys(spec).map((name, at) => [name, pick(paths, names?.[name] ?? at)]));
}

function shapeOutputs(spec: Step['out'], paths: readonly string[], names: Readonly<Record<string, number>> | undefined): unknown {
  if (typeof spec === 'string') return pick(paths, names?.['0'] ?? 0);
  if (Array.isArray(spec)) return spec.map((_, at) => pick(paths, names?.[String(at)] ?? at));
  return Object.fromEntries(Object.keys(spec).map((name, at) => [name, pick(paths, names?.[name] ?? at)]));
}

function pick(paths: readonly string[], at: number | readonly number[]): string | string[] {
  if (typeof at === 'number') return paths[at] ?? '';
  return at.map((index) => paths[index] ?? '');
}
