// The user-facing vocabulary of pipeline files: pipeline(), step(), cmd(), sh(), all().
// Everything here only describes; nothing runs, nothing touches the disk.

import type { CommandAction, Gather, InputSpec, LogSpec, OutputSpec, Params, ParamsOf, ShellAction, Step, StepSpec } from './step-types.ts';

export type {
  WildcardsOf,
  Gather,
  InputSpec,
  OutputSpec,
  LogSpec,
  BoundWildcards,
  InputPaths,
  OutputPaths,
  LogPaths,
  Params,
  ParamsOf,
  ParamType,
  InputWildcards,
  StepContext,
  StepFunction,
  CommandAction,
  ShellAction,
  StepResources,
  SlurmStepOptions,
  StepSpec,
  Step,
} from './step-types.ts';

export interface PipelineDefinition {
  readonly kind: 'sluice-pipeline';
  readonly params: Params;
  readonly steps: (params: Params) => Readonly<Record<string, Step>>;
  /** What pipeline() was given, checked where the pipeline file is known (check-definition.ts). */
  readonly spec?: unknown;
}

/** An argv command template: each word is one argument; placeholders never split or expand. */
export function cmd(program: string, ...args: string[]): CommandAction {
  return { kind: 'command', argv: [program, ...args] };
}

/**
 * A shell script, run by bash in strict mode (`bash -euo pipefail -c`: a failure anywhere, even in
 * the first command of a pipe, fails the task), with every placeholder quoted. Marked as shell in plans.
 */
export function sh(script: string): ShellAction {
  return { kind: 'shell', script };
}

/** Gathers every path matching `pattern` into one task. */
export function all<P extends string>(pattern: P): Gather<P> {
  return { kind: 'gather', pattern };
}

/**
 * A folder output whose files the step creates, their names known only once it ran
 * (`out: directory('chunks/{sample}')`): made atomically as other outputs, and steps that read
 * inside it (`in: 'chunks/{sample}/{chunk}.txt'`) are planned once it is made. Written as the
 * path with a trailing `/`, which the plan reads as a folder output.
 */
export function directory<P extends string>(folder: P): `${P}/` {
  return `${folder.replace(/\/+$/, '')}/` as `${P}/`;
}

/** Declares one step. The type of `run`'s context follows from `in`, `out` and `log`. */
export function step<
  const I extends InputSpec | undefined,
  const O extends OutputSpec,
  P extends Params = Params,
  const L extends LogSpec | undefined = undefined,
>(spec: StepSpec<I, O, P, L>): Step<P> {
  const made = { ...spec, kind: 'step' } as unknown as Step<P>;
  if (collecting !== undefined) {
    // Where step() was called, for a step that two names collided on (see collectSteps).
    const site: { stack?: string } = {};
    Error.captureStackTrace(site, step);
    collecting.push({ step: made, stack: site.stack ?? '' });
  }
  return made;
}

/** A step made by step() while collectSteps ran, with the stack of the call. */
export interface MadeStep {
  readonly step: Step;
  readonly stack: string;
}

let collecting: MadeStep[] | undefined;

/**
 * Calls `make` (a pipeline's steps()) and lists the steps step() made meanwhile: one made and then
 * missing from the record was replaced by another of the same name, as when the records of two
 * helpers are spread into one. Only the planner calls it; describing a pipeline stays free.
 */
export function collectSteps<T>(make: () => T): { readonly value: T; readonly made: readonly MadeStep[] } {
  const outer = collecting;
  const made: MadeStep[] = [];
  collecting = made;
  try {
    return { value: make(), made };
  } finally {
    collecting = outer;
  }
}

export interface PipelineSpec<P extends Params> {
  /**
   * Parameters with their defaults; the defaults' types are the parameters' types. Set by
   * `--config FILE` and `--param key=value`; steps() receives the values a run uses.
   */
  readonly params?: P;
  readonly steps:
    | Readonly<Record<string, Step<NoInfer<ParamsOf<P>>>>>
    | ((params: NoInfer<ParamsOf<P>>) => Readonly<Record<string, Step<NoInfer<ParamsOf<P>>>>>);
}

/** Declares a pipeline: its parameters and its steps (a function of the parameters, or an object). */
export function pipeline<const P extends Params = {}>(
  spec: PipelineSpec<P> | Readonly<Record<string, Step>>,
): PipelineDefinition {
  // Only describes: what is wrong with `spec` is said by the planner, which knows the file.
  const full = (!isObject(spec) ? {} : isPipelineSpec(spec) ? spec : { steps: spec }) as Partial<PipelineSpec<P>>;
  const { steps, params } = full;
  return {
    kind: 'sluice-pipeline',
    params: (isObject(params) ? params : {}) as Params,
    steps: typeof steps === 'function' ? (steps as (params: Params) => Record<string, Step>) : () => steps as Record<string, Step>,
    spec,
  };
}

/**
 * Whether pipeline() got `{ params?, steps }` rather than a record of steps: it has `steps` or
 * `params` that are not steps, or holds no step at all (`step:` for `steps:`).
 */
export function isPipelineSpec(value: unknown): boolean {
  if (!isObject(value)) return true;
  for (const key of ['steps', 'params']) {
    if (Object.hasOwn(value, key) && !isStep((value as Record<string, unknown>)[key])) return true;
  }
  return !Object.values(value).some(isStep);
}

export function isStep(value: unknown): value is Step {
  return isObject(value) && (value as { kind?: unknown }).kind === 'step';
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}
