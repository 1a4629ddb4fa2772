import path from 'node:path';
import { PlanError, placePlanError } from '../errors.ts';
import { checkPipelineSpec, checkStep, describeValue } from './check-definition.ts';
import { parseMemory } from '../kernel/parse-memory.ts';
import { EXPECTED } from './pipeline-schema.ts';
import type { Gather, PipelineDefinition, SlurmStepOptions, Step } from './define-pipeline.ts';
import { makeSteps } from './make-steps.ts';
import { readTimeLimits, type TimeLimitDefaults } from './read-time-limits.ts';
import { constrainPathPattern, parsePathPattern, type PathPattern } from './path-pattern.ts';
import { normalizeWildcardValues } from './normalize-wildcard-values.ts';
import { parseTemplate, type ParsedTemplate } from './parse-template.ts';
import { checkParamsInTemplates, paramPlaceholders } from './param-placeholders.ts';
import { OTHER_PLACEHOLDERS, PLACEHOLDER_NAMES } from './placeholders.ts';
import { normalizeLogs, type StepLog } from './normalize-log.ts';
import { normalizePatternPath } from './normalize-pattern-path.ts';
import { checkOutputPlaces } from './check-output-place.ts';
import type { ParamValue } from '../kernel/task.ts';

export interface StepInput {
  /** The declared name, or the position for list and single inputs. */
  readonly name: string;
  readonly pattern: PathPattern;
  readonly gather: boolean;
  /**
   * A list of paths in a record of inputs (`{ bams: expand(...) }`): gathered as they are, their
   * wildcards filled with the task's. `pattern` is then the first (or one that matches nothing).
   */
  readonly list?: readonly PathPattern[] | undefined;
}

export interface StepOutput {
  readonly name: string;
  readonly pattern: PathPattern;
}

export type StepAction =
  | { readonly kind: 'command'; readonly argv: readonly ParsedTemplate[] }
  | { readonly kind: 'shell'; readonly script: ParsedTemplate; readonly source: string }
  | { readonly kind: 'function'; readonly source: string };

/** A step checked and parsed, ready to be planned into tasks. */
export interface NormalizedStep {
  readonly name: string;
  readonly inputs: readonly StepInput[];
  /** Shape of `in` and `out` as declared, so function steps get the same shape back. */
  readonly inputShape: 'none' | 'single' | 'list' | 'record';
  readonly outputShape: 'single' | 'list' | 'record';
  readonly outputs: readonly StepOutput[];
  /** Log files the task writes in place (`log`); not outputs. */
  readonly logs: readonly StepLog[];
  /** Wildcards bound by the non-gather inputs. */
  readonly wildcards: readonly string[];
  /** Wildcard → the values `wildcards: { name: [...] }` gives it (the step runs for exactly those). */
  readonly wildcardLists: ReadonlyMap<string, readonly string[]>;
  readonly action: StepAction;
  readonly cpus: number;
  readonly memory: string | undefined;
  readonly timeoutMs: number | undefined;
  /** No-output limit (command steps only). */
  readonly noOutputTimeoutMs: number | undefined;
  readonly retries: number;
  readonly temporary: boolean;
  readonly env: readonly string[];
  /** Index of the output that receives standard output, if any. */
  readonly stdoutOutput: number | undefined;
  /** Options for `--executor slurm`. */
  readonly slurm: SlurmStepOptions | undefined;
}

/** Values for steps that do not set their own (`sluice run --retries N --timeout DUR --no-output-timeout DUR`). */
export interface StepDefaults extends TimeLimitDefaults {
  readonly retries?: number | undefined;
}

/** The pipeline's steps for these parameters, each checked and parsed. Lists no folder. */
export function normalizeSteps(
  definition: PipelineDefinition,
  options: { readonly file: string; readonly params: Readonly<Record<string, ParamValue>>; readonly defaults?: StepDefaults | undefined },
): NormalizedStep[] {
  const { file } = options;
  checkPipelineSpec(definition, file);
  const specs = makeSteps(definition, options.params, file);
  return Object.entries(specs).map(([name, spec]) => normalizeStep(name, spec, file, options.params, options.defaults));
}

/** Checks one step's declaration, naming the pipeline file and step in every error (and its fields). */
export function normalizeStep(
  name: string,
  value: unknown,
  file: string,
  params: Readonly<Record<string, ParamValue>>,
  defaults: StepDefaults = {},
): NormalizedStep {
  try {
    return readStep(name, value, file, params, defaults);
  } catch (error) {
    throw placePlanError(error, { file, step: name });
  }
}

function readStep(name: string, value: unknown, file: string, params: Readonly<Record<string, ParamValue>>, defaults: StepDefaults): NormalizedStep {
  const spec = checkStep(name, value, file);
  const where = (field: string): string => `\`${field}\` of step \`${name}\` in ${file}`;
  const declared = normalizeInputs(spec.in, where, path.dirname(file));
  const names = [...new Set(declared.flatMap((input) => input.pattern.wildcards))];
  const { lists: wildcardLists, constraints } = inField('wildcards', () => normalizeWildcardValues(spec.wildcards, names, name, file));
  const inputs = constraints.size === 0 ? declared : declared.map((input) => ({ ...input, pattern: constrainPathPattern(input.pattern, constraints) }));
  const outputs = normalizeOutputs(spec.out, where, path.dirname(file));
  checkOutputPlaces(outputs, typeof spec.out === 'string' ? 'single' : Array.isArray(spec.out) ? 'list' : 'record', name, file);
  for (const pattern of [...inputs, ...outputs].map((item) => item.pattern)) {
    const reserved = pattern.wildcards.find((wildcard) => RESERVED_WILDCARDS.has(wildcard));
    if (reserved !== undefined) {
      throw new PlanError(
        `Wildcard \`{${reserved}}\` in \`${pattern.source}\` of step \`${name}\` in ${file} has the name of a placeholder: \`{${reserved}}\` in a command would not mean the wildcard. Rename it, e.g. \`{${reserved}_}\``,
        { field: inputs.some((input) => input.pattern === pattern) ? 'in' : 'out' },
      );
    }
  }
  // A wildcard of a gather that the step lists values for (`wildcards: { sample: [...] }`) and
  // that an output names is bound by the list: one task per value, each gathering its own files.
  const fromInputs = [...new Set(inputs.filter((input) => !input.gather).flatMap((input) => input.pattern.wildcards))];
  const fromLists = [...wildcardLists.keys()].filter((listed) => !fromInputs.includes(listed) && outputs.some((output) => output.pattern.wildcards.includes(listed)));
  const wildcards = [...fromInputs, ...fromLists];
  for (const input of inputs) {
    const unbound = (input.list ?? []).flatMap((item) => item.wildcards).find((wildcard) => !wildcards.includes(wildcard));
    if (unbound !== undefined) {
      throw new PlanError(
        `Wildcard \`{${unbound}}\` in the list \`in.${input.name}\` of step \`${name}\` of ${file} is not bound by an input: give its values to expand(), or gather with all('pattern')`,
        { field: 'in' },
      );
    }
  }
  for (const output of outputs) {
    const unbound = output.pattern.wildcards.filter((wildcard) => !wildcards.includes(wildcard));
    if (unbound.length > 0) {
      throw new PlanError(
        `Wildcard \`{${unbound[0]}}\` in output \`${output.pattern.source}\` of step \`${name}\` (out) of ${file} is not bound by an input` +
          (wildcards.length > 0 ? ` (the inputs bind ${wildcards.map((w) => `{${w}}`).join(' ')})` : '') +
          (inputs.some((input) => input.gather && input.pattern.wildcards.includes(unbound[0] as string))
            ? `; a gather binds none: list its values, \`wildcards: { ${unbound[0]}: [...] }\`, or add an input that names it`
            : ''),
        { field: 'out' },
      );
    }
  }
  const { logs } = inField('log', () => normalizeLogs(spec.log, where, wildcards, path.dirname(file)));
  const known = [
    ...wildcards,
    'threads',
    ...(logs.length > 0 ? ['log', ...logs.map((log) => `log.${log.name}`)] : []),
    ...inputs.map((input) => `in.${input.name}`),
    ...outputs.map((output) => `out.${output.name}`),
    ...paramPlaceholders(params),
  ];
  const action = inField('run', () => normalizeAction(spec.run, `step \`${name}\` (run) of ${file}`, known, usablePlaceholders(inputs)));
  inField('run', () => checkParamsInTemplates(action, params, name, file));
  return {
    name,
    inputs,
    inputShape: spec.in === undefined ? 'none' : typeof spec.in === 'string' ? 'single' : Array.isArray(spec.in) ? 'list' : 'record',
    outputShape: typeof spec.out === 'string' ? 'single' : Array.isArray(spec.out) ? 'list' : 'record',
    outputs,
    logs,
    wildcards,
    wildcardLists,
    action,
    cpus: spec.cpus ?? 1,
    memory: checkMemory(spec.memory, name, file),
    ...readTimeLimits(spec, defaults, name, file),
    retries: spec.retries ?? defaults.retries ?? 0,
    temporary: spec.temp === true,
    env: spec.env ?? [],
    stdoutOutput: inField('stdout', () => normalizeStdout(spec, outputs, where('stdout'))),
    slurm: spec.slurm,
  };
}

// The pattern of an empty list of inputs: no path holds a NUL.
const EMPTY_LIST = parsePathPattern('\0(an empty list)', 'an empty list of inputs');

// Wildcards that would hide a placeholder a command needs: `{out}` would give the wildcard's
// value, not the output's path. (`{name}`, `{stem}`... as wildcards are common and read as such.)
const RESERVED_WILDCARDS: ReadonlySet<string> = new Set(['in', 'out', 'log', 'threads']);

function normalizeInputs(spec: Step['in'], where: (field: string) => string, dir: string): StepInput[] {
  if (spec === undefined) return [];
  if (typeof spec === 'string') return [{ name: '0', pattern: parse(spec, where, 'in', dir), gather: false }];
  if (Array.isArray(spec)) return spec.map((item: string, index) => ({ name: String(index), pattern: parse(item, where, `in[${index}]`, dir), gather: false }));
  return Object.entries(spec as Record<string, string | Gather | readonly string[]>).map(([key, item]) => {
    if (Array.isArray(item)) {
      const list = (item as readonly string[]).map((one, index) => parse(one, where, `in.${key}[${index}]`, dir));
      return { name: key, pattern: list[0] ?? EMPTY_LIST, gather: true, list };
    }
    const gather = typeof item === 'object';
    return { name: key, pattern: parse(gather ? (item as Gather).pattern : (item as string), where, `in.${key}`, dir), gather };
  });
}

function normalizeOutputs(spec: Step['out'], where: (field: string) => string, dir: string): StepOutput[] {
  if (typeof spec === 'string') return [{ name: '0', pattern: parse(spec, where, 'out', dir) }];
  if (Array.isArray(spec)) return spec.map((item: string, index) => ({ name: String(index), pattern: parse(item, where, `out[${index}]`, dir) }));
  return Object.entries(spec as Record<string, string>).map(([key, item]) => ({ name: key, pattern: parse(item, where, `out.${key}`, dir) }));
}

// The built-in placeholders a step's command can use: those derived from an input path need one.
function usablePlaceholders(inputs: readonly StepInput[]): readonly string[] {
  const first = inputs[0];
  if (first === undefined) return OTHER_PLACEHOLDERS;
  return first.gather ? ['', 'in', ...OTHER_PLACEHOLDERS] : PLACEHOLDER_NAMES;
}

function normalizeAction(run: Step['run'], where: string, known: readonly string[], usable: readonly string[]): StepAction {
  if (typeof run === 'function') return { kind: 'function', source: run.toString() };
  if (run.kind === 'command') {
    return { kind: 'command', argv: run.argv.map((word, index) => parseTemplate(word, `${where}, word ${index + 1}`, known, usable)) };
  }
  return { kind: 'shell', script: parseTemplate(run.script, where, known, usable), source: run.script };
}

// Read here for every executor, in the grammar the Slurm backend submits: a size Slurm could not
// take is a plan error before anything runs, not a failed submission later.
function checkMemory(memory: string | undefined, step: string, file: string): string | undefined {
  if (memory === undefined || parseMemory(memory) !== undefined) return memory;
  throw new PlanError(`Expected \`memory\` of step \`${step}\` in ${file} to be ${EXPECTED.memory}, got ${describeValue(memory)}`, { file, step, field: 'memory' });
}

function normalizeStdout(spec: Step, outputs: readonly StepOutput[], where: string): number | undefined {
  if (spec.stdout === undefined || spec.stdout === false) return undefined;
  if (typeof spec.run === 'function') throw new PlanError(`Expected ${where} only on cmd(...) or sh(...) steps: a function writes its outputs itself`);
  if (spec.stdout === true) return 0;
  const index = outputs.findIndex((output) => output.name === spec.stdout);
  if (index < 0) throw new PlanError(`Expected ${where} to name an output (${outputs.map((o) => `\`${o.name}\``).join(', ')}), got \`${spec.stdout}\``);
  return index;
}

function parse(source: string, where: (field: string) => string, field: string, dir: string): PathPattern {
  return inField(field, () => parsePathPattern(normalizePatternPath(source, dir, where(field)), where(field)));
}

// What is refused while reading one field is placed in it (the step and file are added by normalizeStep).
function inField<T>(field: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw placePlanError(error, { field });
  }
}
