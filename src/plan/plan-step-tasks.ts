import { PlanError } from '../errors.ts';
import { expandArgs, expandParts, type PlaceholderValue, type ResolvePlaceholder } from './expand-template.ts';
import type { NormalizedStep, StepInput } from './normalize-step.ts';
import { fillPathPattern, matchPathPattern, type PathPattern } from './path-pattern.ts';
import { INPUT_PLACEHOLDERS } from './placeholders.ts';
import type { Action, ParamValue } from './task.ts';

/** A task of one step before it gets an id: paths and wildcard values. */
export interface PlannedTask {
  readonly wildcards: Readonly<Record<string, string>>;
  /** Flat input paths, and which of them each declared input holds. */
  readonly inputs: readonly string[];
  readonly inputNames: Readonly<Record<string, number | readonly number[]>>;
  readonly outputs: readonly string[];
}

/** Finds candidate paths for a pattern: files on disk and outputs of other steps. */
export type FindCandidates = (pattern: PathPattern) => readonly string[];

/**
 * One task per distinct binding of the step's wildcards (one task when it has none). An input
 * that matches nothing gives no tasks and the error to raise if it stays that way.
 */
export function planStepTasks(
  step: NormalizedStep,
  candidates: FindCandidates,
  file: string,
): { tasks: PlannedTask[]; unmatched?: PlanError } {
  const driver = step.inputs.find((input) => !input.gather && input.pattern.wildcards.length > 0);
  const bindings: Record<string, string>[] = [];
  if (driver === undefined) bindings.push({});
  else {
    const seen = new Set<string>();
    for (const candidate of [...candidates(driver.pattern)].sort(compareCodeUnits)) {
      const values = matchPathPattern(driver.pattern, candidate);
      if (values === undefined) continue;
      const key = driver.pattern.wildcards.map((name) => values[name]).join('\0');
      if (seen.has(key)) continue;
      seen.add(key);
      bindings.push(values);
    }
    if (bindings.length === 0) {
      const error = `No file matches input \`${driver.pattern.source}\` of step \`${step.name}\` of ${file}, and no step makes one`;
      return { tasks: [], unmatched: new PlanError(error) };
    }
  }
  try {
    return { tasks: bindings.map((values) => planOne(step, values, candidates, file)) };
  } catch (error) {
    if (error instanceof PlanError) return { tasks: [], unmatched: error };
    throw error;
  }
}

function planOne(
  step: NormalizedStep,
  values: Record<string, string>,
  candidates: FindCandidates,
  file: string,
): PlannedTask {
  const inputs: string[] = [];
  const inputNames: Record<string, number | number[]> = {};
  for (const input of step.inputs) {
    if (!input.gather) {
      inputNames[input.name] = inputs.length;
      inputs.push(fillPathPattern(input.pattern, values));
      continue;
    }
    const gathered = gather(input, values, candidates);
    if (gathered.length === 0) {
      throw new PlanError(
        `No file matches gathered input \`${input.pattern.source}\` of step \`${step.name}\` of ${file}, and no step makes one`,
      );
    }
    inputNames[input.name] = gathered.map((_, index) => inputs.length + index);
    for (const path of gathered) inputs.push(path);
  }
  const outputs = step.outputs.map((output) => fillPathPattern(output.pattern, values));
  return { wildcards: values, inputs, inputNames, outputs };
}

// A gather's wildcards that the step binds are fixed; the others range over every match.
function gather(input: StepInput, values: Record<string, string>, candidates: FindCandidates): string[] {
  const bound = input.pattern.wildcards.filter((name) => name in values);
  const matches = new Set<string>();
  for (const candidate of candidates(input.pattern)) {
    const found = matchPathPattern(input.pattern, candidate);
    if (found !== undefined && bound.every((name) => found[name] === values[name])) matches.add(candidate);
  }
  return [...matches].sort(compareCodeUnits);
}

export interface ActionContext {
  readonly step: NormalizedStep;
  readonly task: PlannedTask;
  readonly taskId: number;
  readonly params: Readonly<Record<string, ParamValue>>;
  /** Absolute path of the pipeline file, for function steps. */
  readonly module: string;
}

/** The serializable action of one task: templates expanded, outputs left symbolic. */
export function buildAction(context: ActionContext): Action {
  const { step } = context;
  const resolve = resolvePipelinePlaceholders(context);
  if (step.action.kind === 'function') {
    return { kind: 'function', module: context.module, step: step.name, source: step.action.source };
  }
  if (step.action.kind === 'shell') {
    return { kind: 'shell', script: expandParts(step.action.script, { resolve, quoteValues: true }) };
  }
  return { kind: 'argv', argv: step.action.argv.flatMap((word) => expandArgs(word, { resolve })) };
}

function resolvePipelinePlaceholders({ step, task, taskId, params }: ActionContext): ResolvePlaceholder {
  const first = step.inputs[0];
  const inputValue = (name: string): PlaceholderValue | undefined => {
    const at = task.inputNames[name];
    if (at === undefined) return undefined;
    return typeof at === 'number' ? (task.inputs[at] as string) : { list: at.map((index) => task.inputs[index] as string) };
  };
  return (name) => {
    if (name in task.wildcards) return task.wildcards[name];
    if (name === '#') return String(taskId);
    if (name === 'out') return { output: 0 };
    if (name.startsWith('out.')) {
      const index = step.outputs.findIndex((output) => output.name === name.slice(4));
      return index < 0 ? undefined : { output: index };
    }
    if (name.startsWith('in.')) return inputValue(name.slice(3));
    if (name.startsWith('param.')) {
      const value = params[name.slice(6)];
      return value === undefined ? undefined : String(value);
    }
    const derive = INPUT_PLACEHOLDERS[name as keyof typeof INPUT_PLACEHOLDERS];
    if (derive === undefined || first === undefined) return undefined;
    const value = inputValue(first.name);
    if (value === undefined || typeof value !== 'string') return value;
    return derive(value);
  };
}

/** Placeholders the step's command uses that need an input it does not have. */
export function checkActionPlaceholders(step: NormalizedStep, file: string): void {
  if (step.action.kind === 'function') return;
  const templates = step.action.kind === 'shell' ? [step.action.script] : step.action.argv;
  for (const template of templates) {
    for (const part of template) {
      if (typeof part === 'string') continue;
      const name = part.placeholder;
      if (name in INPUT_PLACEHOLDERS && step.inputs.length === 0) {
        throw new PlanError(`Placeholder \`{${name}}\` in step \`${step.name}\` of ${file} needs an input, and the step has none`);
      }
      if (name in INPUT_PLACEHOLDERS && name !== '' && name !== 'in' && step.inputs[0]?.gather === true) {
        throw new PlanError(
          `Placeholder \`{${name}}\` in step \`${step.name}\` of ${file} needs one input path, and the first input is a gather`,
        );
      }
    }
  }
}

export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
