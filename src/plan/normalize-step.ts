import path from 'node:path';
import { PlanError } from '../errors.ts';
import { parseDurationText } from './parse-duration.ts';
import type { Gather, PipelineDefinition, SlurmStepOptions, Step } from './define-pipeline.ts';
import { parsePathPattern, type PathPattern } from './path-pattern.ts';
import { parseTemplate, type ParsedTemplate } from './parse-template.ts';
import { normalizeLogs, type StepLog } from './normalize-log.ts';
import type { ParamValue } from './task.ts';

export interface StepInput {
  /** The declared name, or the position for list and single inputs. */
  readonly name: string;
  readonly pattern: PathPattern;
  readonly gather: boolean;
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
  readonly action: StepAction;
  readonly cpus: number;
  readonly memory: string | undefined;
  readonly timeoutMs: number | undefined;
  readonly retries: number;
  readonly temporary: boolean;
  readonly env: readonly string[];
  /** Index of the output that receives standard output, if any. */
  readonly stdoutOutput: number | undefined;
  /** Options for `--executor slurm`. */
  readonly slurm: SlurmStepOptions | undefined;
}

/** Values for steps that do not set their own (`sluice run --retries N --timeout DUR`). */
export interface StepDefaults {
  readonly retries?: number | undefined;
  readonly timeoutMs?: number | undefined;
}

/** The pipeline's steps for these parameters, each checked and parsed. Lists no folder. */
export function normalizeSteps(
  definition: PipelineDefinition,
  options: { readonly file: string; readonly params: Readonly<Record<string, ParamValue>>; readonly defaults?: StepDefaults | undefined },
): NormalizedStep[] {
  const { file } = options;
  const specs = definition.steps(options.params);
  if (typeof specs !== 'object' || specs === null || Object.keys(specs).length === 0) {
    throw new PlanError(`Expected the pipeline in ${file} to declare at least one step`);
  }
  return Object.entries(specs).map(([name, spec]) => normalizeStep(name, spec, file, Object.keys(options.params), options.defaults));
}

/** Checks one step's declaration, naming the pipeline file and step in every error. */
export function normalizeStep(
  name: string,
  value: unknown,
  file: string,
  paramNames: readonly string[],
  defaults: StepDefaults = {},
): NormalizedStep {
  const where = (field: string): string => `step \`${name}\` (${field}) of ${file}`;
  if (typeof value !== 'object' || value === null || (value as { kind?: unknown }).kind !== 'step') {
    throw new PlanError(`Expected step \`${name}\` of ${file} to be made with step({...}), got ${describe(value)}`);
  }
  const spec = value as Step;
  const inputs = normalizeInputs(spec.in, where);
  const outputs = normalizeOutputs(spec.out, where);
  const wildcards = [...new Set(inputs.filter((input) => !input.gather).flatMap((input) => input.pattern.wildcards))];
  for (const output of outputs) {
    const unbound = output.pattern.wildcards.filter((wildcard) => !wildcards.includes(wildcard));
    if (unbound.length > 0) {
      throw new PlanError(
        `Wildcard \`{${unbound[0]}}\` in output \`${output.pattern.source}\` of ${where('out')} is not bound by an input` +
          (wildcards.length > 0 ? ` (the inputs bind ${wildcards.map((w) => `{${w}}`).join(' ')})` : ''),
      );
    }
  }
  const { logs } = normalizeLogs(spec.log, where, wildcards);
  const known = [
    ...wildcards,
    ...(logs.length > 0 ? ['log', ...logs.map((log) => `log.${log.name}`)] : []),
    ...inputs.map((input) => `in.${input.name}`),
    ...outputs.map((output) => `out.${output.name}`),
    ...paramNames.map((param) => `param.${param}`),
  ];
  return {
    name,
    inputs,
    inputShape: spec.in === undefined ? 'none' : typeof spec.in === 'string' ? 'single' : Array.isArray(spec.in) ? 'list' : 'record',
    outputShape: typeof spec.out === 'string' ? 'single' : Array.isArray(spec.out) ? 'list' : 'record',
    outputs,
    logs,
    wildcards,
    action: normalizeAction(spec.run, where('run'), known),
    cpus: checkPositive(spec.cpus ?? 1, where('cpus'), 'cpus'),
    memory: spec.memory,
    timeoutMs: spec.timeout === undefined ? defaults.timeoutMs : parseDurationText(spec.timeout, where('timeout')),
    retries: checkCount(spec.retries ?? defaults.retries ?? 0, where('retries')),
    temporary: spec.temp === true,
    env: spec.env ?? [],
    stdoutOutput: normalizeStdout(spec, outputs, where('stdout')),
    slurm: normalizeSlurm(spec.slurm, where('slurm')),
  };
}

function normalizeInputs(spec: Step['in'], where: (field: string) => string): StepInput[] {
  if (spec === undefined) return [];
  if (typeof spec === 'string') return [{ name: '0', pattern: parse(spec, where('in')), gather: false }];
  if (Array.isArray(spec)) {
    return spec.map((item, index) => ({ name: String(index), pattern: parse(expectPath(item, where('in')), where('in')), gather: false }));
  }
  return Object.entries(spec as Record<string, string | Gather>).map(([key, item]) => {
    const gather = typeof item === 'object' && item !== null && item.kind === 'gather';
    const source = gather ? (item as Gather).pattern : expectPath(item, where(`in.${key}`));
    return { name: key, pattern: parse(source, where(`in.${key}`)), gather };
  });
}

function normalizeOutputs(spec: Step['out'], where: (field: string) => string): StepOutput[] {
  if (typeof spec === 'string') return [{ name: '0', pattern: parse(spec, where('out')) }];
  if (Array.isArray(spec)) return spec.map((item, index) => ({ name: String(index), pattern: parse(expectPath(item, where('out')), where('out')) }));
  if (typeof spec !== 'object' || spec === null || Object.keys(spec).length === 0) {
    throw new PlanError(`Expected ${where('out')} to be a path, a list of paths or a record of paths, got ${describe(spec)}`);
  }
  return Object.entries(spec as Record<string, string>).map(([key, item]) => ({
    name: key,
    pattern: parse(expectPath(item, where(`out.${key}`)), where(`out.${key}`)),
  }));
}

function normalizeAction(run: Step['run'], where: string, known: readonly string[]): StepAction {
  if (typeof run === 'function') return { kind: 'function', source: run.toString() };
  if (typeof run === 'object' && run !== null && run.kind === 'command') {
    if (run.argv.length === 0 || run.argv.some((word) => typeof word !== 'string')) {
      throw new PlanError(`Expected ${where} to be cmd('program', 'arg', ...) with string words`);
    }
    return { kind: 'command', argv: run.argv.map((word, index) => parseTemplate(word, `${where}, word ${index + 1}`, known)) };
  }
  if (typeof run === 'object' && run !== null && run.kind === 'shell') {
    return { kind: 'shell', script: parseTemplate(run.script, where, known), source: run.script };
  }
  throw new PlanError(`Expected ${where} to be cmd(...), sh(...) or a function, got ${describe(run)}`);
}

function normalizeStdout(spec: Step, outputs: readonly StepOutput[], where: string): number | undefined {
  if (spec.stdout === undefined || spec.stdout === false) return undefined;
  if (typeof spec.run === 'function') throw new PlanError(`Expected ${where} only on cmd(...) or sh(...) steps`);
  if (spec.stdout === true) return 0;
  const index = outputs.findIndex((output) => output.name === spec.stdout);
  if (index < 0) throw new PlanError(`Expected ${where} to name an output (${outputs.map((o) => o.name).join(', ')}), got \`${spec.stdout}\``);
  return index;
}

function normalizeSlurm(spec: unknown, where: string): SlurmStepOptions | undefined {
  if (spec === undefined) return undefined;
  if (typeof spec !== 'object' || spec === null) throw new PlanError(`Expected ${where} to be { partition?, account?, args? }, got ${describe(spec)}`);
  const { partition, account, args, tasksPerJob, ...rest } = spec as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) throw new PlanError(`Unknown option \`${unknown[0]}\` in ${where}: expected partition, account, args or tasksPerJob`);
  if (tasksPerJob !== undefined) checkPositive(tasksPerJob as number, where, 'tasksPerJob');
  for (const [name, value] of [['partition', partition], ['account', account]] as const) {
    if (value !== undefined && (typeof value !== 'string' || value === '')) {
      throw new PlanError(`Expected \`${name}\` of ${where} to be a name, got ${describe(value)}`);
    }
  }
  if (args !== undefined && (!Array.isArray(args) || args.some((arg) => typeof arg !== 'string'))) {
    throw new PlanError(`Expected \`args\` of ${where} to be a list of sbatch options (strings), got ${describe(args)}`);
  }
  return {
    partition: partition as string | undefined,
    account: account as string | undefined,
    args: args as string[] | undefined,
    tasksPerJob: tasksPerJob as number | undefined,
  };
}

function parse(source: string, where: string): PathPattern {
  const normalized = path.isAbsolute(source) ? path.normalize(source) : path.normalize(source).replace(/^\.\//, '');
  return parsePathPattern(normalized, where);
}

function expectPath(value: unknown, where: string): string {
  if (typeof value !== 'string') throw new PlanError(`Expected ${where} to be a path string, got ${describe(value)}`);
  return value;
}

function checkPositive(value: number, where: string, what: string): number {
  if (!Number.isInteger(value) || value < 1) throw new PlanError(`Expected \`${what}\` of ${where} to be a positive integer, got \`${value}\``);
  return value;
}

function checkCount(value: number, where: string): number {
  if (!Number.isInteger(value) || value < 0) throw new PlanError(`Expected ${where} to be a whole number, got \`${value}\``);
  return value;
}

function describe(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  if (value === null) return '`null`';
  if (typeof value === 'object') return 'an object';
  return `\`${String(value)}\``;
}

