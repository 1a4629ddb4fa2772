import { bug, PlanError } from '../errors.ts';
import { globHint } from './describe-glob-pattern.ts';
import { shieldDash } from '../kernel/shield-dash.ts';
import { expandArgs, expandParts, type ExpandContext, type PlaceholderValue, type ResolvePlaceholder } from './expand-template.ts';
import type { NormalizedStep, StepInput, StepOutput } from './normalize-step.ts';
import { paramAt } from './param-placeholders.ts';
import { crossWithListed, gatherInput, productOf } from './gather-input.ts';
import type { ParsedTemplate } from './parse-template.ts';
import { fillPathPattern, matchPathPattern, type PathPattern } from './path-pattern.ts';
import { INPUT_PLACEHOLDERS } from './placeholders.ts';
import type { Action, Arg, ParamValue } from '../kernel/task.ts';
import { nameTask } from '../kernel/name-task.ts';

/** A task of one step before it gets an id: paths and wildcard values. */
export interface PlannedTask {
  readonly wildcards: Readonly<Record<string, string>>;
  /** Flat input paths, and which of them each declared input holds. */
  readonly inputs: readonly string[];
  readonly inputNames: Readonly<Record<string, number | readonly number[]>>;
  readonly outputs: readonly string[];
  /** The step's log paths, wildcards filled in (an empty list shared by every task without). */
  readonly logs: readonly string[];
}

const NO_LOGS: readonly string[] = Object.freeze([]);
const THREADS = Object.freeze({ threads: true } as const);

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
): { tasks: PlannedTask[]; unmatched?: PlanError; nothingMatched?: true } {
  const driver = step.inputs.find((input) => !input.gather && input.pattern.wildcards.length > 0);
  const bindings: Record<string, string>[] = [];
  const lists = step.wildcardLists;
  if (driver === undefined) bindings.push({});
  else if (driver.pattern.wildcards.every((name) => lists.has(name))) {
    // `wildcards: { sample: [...] }` names every value: exactly those tasks, whatever is on disk
    // (an input that is neither there nor made is refused when the tasks are linked).
    for (const values of productOf(driver.pattern.wildcards, lists)) bindings.push(values);
  } else {
    const seen = new Set<string>();
    const names = driver.pattern.wildcards;
    const listed = names.filter((name) => lists.has(name)).map((name) => [name, new Set(lists.get(name))] as const);
    // The default sort compares UTF-16 code units, as compareCodeUnits does, without a call
    // per comparison (10,000 paths: ~3 ms against ~5).
    const sorted = [...candidates(driver.pattern)].sort();
    for (let i = 0; i < sorted.length; i += 1) {
      const candidate = sorted[i] as string;
      const values = matchPathPattern(driver.pattern, candidate);
      if (values === undefined) continue;
      if (listed.length > 0 && !listed.every(([name, allowed]) => allowed.has(values[name] as string))) continue;
      const key = names.length === 1 ? (values[names[0] as string] as string) : names.map((name) => values[name]).join('\0');
      if (seen.has(key)) continue;
      seen.add(key);
      bindings.push(values);
    }
    // A listed value that no file gives (with the wildcards that come from the disk) is missing.
    for (const [name] of listed) {
      const missing = (lists.get(name) ?? []).find((value) => !bindings.some((values) => values[name] === value));
      if (missing !== undefined) {
        const error = `No file matches input \`${driver.pattern.source}\` of step \`${step.name}\` of ${file} with \`${name}\` = \`${missing}\` (from its \`wildcards\`), and no step makes one`;
        return { tasks: [], unmatched: new PlanError(error, { file, step: step.name, field: 'wildcards' }) };
      }
    }
    if (bindings.length === 0) {
      const error = `No file matches input \`${driver.pattern.source}\` of step \`${step.name}\` of ${file}, and no step makes one${globHint(driver.pattern.source)}`;
      return { tasks: [], unmatched: new PlanError(error, { file, step: step.name, field: `in.${driver.name}` }), nothingMatched: true };
    }
  }
  crossWithListed(step, bindings);
  // Without a gather, every task names its inputs alike: one object for them all.
  const inputNames = step.inputs.some((input) => input.gather) ? undefined : Object.fromEntries(step.inputs.map((input, index) => [input.name, index]));
  try {
    return { tasks: bindings.map((values) => planOne(step, values, candidates, file, inputNames)) };
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
  sharedInputNames: Readonly<Record<string, number>> | undefined,
): PlannedTask {
  const inputs: string[] = [];
  const outputs: string[] = [];
  // Indexed loops: see state/hashes/hash-cache.ts.
  for (let i = 0; i < step.outputs.length; i += 1) outputs.push(fillPathPattern((step.outputs[i] as StepOutput).pattern, values));
  const logs = step.logs.length === 0 ? NO_LOGS : step.logs.map((log) => fillPathPattern(log.pattern, values));
  if (sharedInputNames !== undefined) {
    for (let i = 0; i < step.inputs.length; i += 1) inputs.push(fillPathPattern((step.inputs[i] as StepInput).pattern, values));
    return { wildcards: values, inputs, inputNames: sharedInputNames, outputs, logs };
  }
  const inputNames: Record<string, number | number[]> = {};
  for (const input of step.inputs) {
    if (!input.gather) {
      inputNames[input.name] = inputs.length;
      inputs.push(fillPathPattern(input.pattern, values));
      continue;
    }
    const gathered = input.list === undefined ? gatherInput(input, values, candidates, step.wildcardLists) : input.list.map((item) => fillPathPattern(item, values));
    if (gathered.length === 0 && input.list === undefined) {
      throw new PlanError(
        `No file matches gathered input \`${input.pattern.source}\` of ${Object.keys(values).length === 0 ? `step \`${step.name}\`` : `task \`${nameTask({ step: step.name, wildcards: values, inputs: [] })}\``} of ${file}, and no step makes one${globHint(input.pattern.source)}`,
        { file, step: step.name, field: `in.${input.name}` },
      );
    }
    inputNames[input.name] = gathered.map((_, index) => inputs.length + index);
    for (const path of gathered) inputs.push(path);
  }
  return { wildcards: values, inputs, inputNames, outputs, logs };
}

/** Builds the serializable action of each task of a step: templates expanded, outputs symbolic. */
export type ActionBuilder = (task: PlannedTask, taskId: number) => Action;

/**
 * The action builder of one step. What does not vary between its tasks (literal words, `{out}`,
 * `{param.x}`, a function step's action) is built once and shared by every task: planning
 * 10,000 tasks allocates only for the words that do vary.
 */
export function createActionBuilder(
  step: NormalizedStep,
  params: Readonly<Record<string, ParamValue>>,
  /** Absolute path of the pipeline file, for function steps. */
  module: string,
  /** Absolute path of bash, for shell steps (findBashFor). */
  bash?: string,
): ActionBuilder {
  if (step.action.kind === 'function') {
    const action: Action = { kind: 'function', module, step: step.name, source: step.action.source };
    return () => action;
  }
  // The task being expanded, read by the one resolver of the step (no closure per task).
  let task: PlannedTask = { wildcards: {}, inputs: [], inputNames: {}, outputs: [], logs: NO_LOGS };
  let taskId = 0;
  const resolve: ResolvePlaceholder = (name) => resolvePipelinePlaceholder(step, params, task, taskId, name);
  if (step.action.kind === 'shell') {
    if (bash === undefined) bug(`shell step ${step.name} planned without bash`);
    const script = step.action.script;
    const context: ExpandContext = { resolve, quoteValues: true };
    return (next, id) => {
      task = next;
      taskId = id;
      return { kind: 'shell', script: expandParts(script, context), bash };
    };
  }
  const context: ExpandContext = { resolve };
  const templates = step.action.argv;
  const fixed = templates.map((template) => (template.every((part) => typeof part === 'string' || isFixed(step, part.placeholder)) ? expandArgs(template, context) : undefined));
  return (next, id) => {
    task = next;
    taskId = id;
    const argv: Arg[] = [];
    for (let i = 0; i < templates.length; i += 1) {
      const args = fixed[i] ?? expandArgs(templates[i] as ParsedTemplate, context);
      for (let j = 0; j < args.length; j += 1) argv.push(args[j] as Arg);
    }
    return { kind: 'argv', argv };
  };
}

// Placeholders whose value is the same for every task of the step.
function isFixed(step: NormalizedStep, name: string): boolean {
  if (step.wildcards.includes(name)) return false;
  return name === 'out' || name === 'threads' || name.startsWith('out.') || name.startsWith('param.');
}

function resolvePipelinePlaceholder(
  step: NormalizedStep,
  params: Readonly<Record<string, ParamValue>>,
  task: PlannedTask,
  taskId: number,
  name: string,
): PlaceholderValue | undefined {
  if (name in task.wildcards) return task.wildcards[name];
  if (name === '#') return String(taskId);
  if (name === 'out') return { output: 0 };
  if (name === 'threads') return THREADS;
  if (name.startsWith('out.')) {
    const index = step.outputs.findIndex((output) => output.name === name.slice(4));
    return index < 0 ? undefined : { output: index };
  }
  if (name.startsWith('in.')) return inputValue(task, name.slice(3));
  // Logs are written in place: their paths go into the command as they are.
  if (name === 'log') return task.logs[0];
  if (name.startsWith('log.')) {
    const index = step.logs.findIndex((log) => log.name === name.slice(4));
    return index < 0 ? undefined : task.logs[index];
  }
  if (name.startsWith('param.') && name.endsWith('*')) {
    const value = paramAt(params, name.slice(6, -1));
    return Array.isArray(value) ? { list: value.map(String) } : undefined;
  }
  if (name.startsWith('param.')) {
    const value = paramAt(params, name.slice(6));
    return value === undefined ? undefined : String(value);
  }
  const derive = INPUT_PLACEHOLDERS[name as keyof typeof INPUT_PLACEHOLDERS];
  const first = step.inputs[0];
  if (derive === undefined || first === undefined) return undefined;
  const value = inputValue(task, first.name);
  if (value === undefined || typeof value !== 'string') return value;
  return derive(value);
}

function inputValue(task: PlannedTask, name: string): PlaceholderValue | undefined {
  const at = task.inputNames[name];
  if (at === undefined) return undefined;
  return typeof at === 'number' ? shieldDash(task.inputs[at] as string) : { list: at.map((index) => shieldDash(task.inputs[index] as string)) };
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
        throw new PlanError(`Placeholder \`{${name}}\` in step \`${step.name}\` of ${file} needs an input, and the step has none`, { file, step: step.name, field: 'run' });
      }
      if (name in INPUT_PLACEHOLDERS && name !== '' && name !== 'in' && step.inputs[0]?.gather === true) {
        throw new PlanError(
          `Placeholder \`{${name}}\` in step \`${step.name}\` of ${file} needs one input path, and the first input is a gather`,
          { file, step: step.name, field: 'run' },
        );
      }
    }
  }
}

export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
