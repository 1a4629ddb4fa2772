// The shapes a pipeline file declares: a step's inputs, outputs, logs, resources and the context
// a function step receives. Types only; define-pipeline.ts makes values of them.

import type { ParamValue } from '../kernel/task.ts';
import type { WildcardValues } from './expand-paths.ts';

/** The names in `{braces}` of a path pattern, except placeholders that are not wildcards. */
export type WildcardsOf<P> = P extends `${string}{${infer Name}}${infer Rest}`
  ? (Name extends '' | '#' | `${string}.${string}` | `${string}/${string}` ? never : Name) | WildcardsOf<Rest>
  : never;

/** A gather input: one task reads every path matching the pattern. */
export interface Gather<P extends string = string> {
  readonly kind: 'gather';
  readonly pattern: P;
}

/** Inputs: a path, a list of paths, or a record of names to a path, a gather or a list of paths (`expand(...)`). */
export type InputSpec = string | readonly string[] | Readonly<Record<string, string | Gather | readonly string[]>>;
export type OutputSpec = string | readonly string[] | Readonly<Record<string, string>>;
/** Log files a step's task writes in place: one, a list, or a record of named ones. */
export type LogSpec = string | readonly string[] | Readonly<Record<string, string>>;

/** Wildcards an input declaration binds (gathers bind none). */
export type BoundWildcards<I> = I extends string
  ? WildcardsOf<I>
  : I extends readonly string[]
    ? WildcardsOf<I[number]>
    : { [K in keyof I]: I[K] extends string ? WildcardsOf<I[K]> : never }[keyof I];

/** Every wildcard of an input declaration, gathers' included: what a step's `wildcards` may name. */
export type InputWildcards<I> = I extends string
  ? WildcardsOf<I>
  : I extends readonly string[]
    ? WildcardsOf<I[number]>
    : { [K in keyof I]: I[K] extends string ? WildcardsOf<I[K]> : I[K] extends Gather<infer P> ? WildcardsOf<P> : never }[keyof I];

/** What a step function sees for its inputs: the declaration's shape, with paths. */
export type InputPaths<I> = I extends string
  ? string
  : I extends readonly string[]
    ? string[]
    : { [K in keyof I]: I[K] extends Gather | readonly string[] ? string[] : string };

export type OutputPaths<O> = O extends string ? string : O extends readonly string[] ? string[] : { [K in keyof O]: string };

/** What a function step sees for its logs: the declaration's shape, with paths; none: undefined. */
export type LogPaths<L> = L extends undefined
  ? undefined
  : L extends string
    ? string
    : L extends readonly string[]
      ? string[]
      : { [K in keyof L]: string };

export type Params = Readonly<Record<string, ParamValue>>;

/**
 * The type a parameter has, from its default: `10` → number, `'data'` → string, `['A', 'B']` →
 * readonly string[], `{ trim: true }` → { readonly trim: boolean }, `{}` or `[]` → any data.
 */
export type ParamType<T> = T extends string
  ? string
  : T extends number
    ? number
    : T extends boolean
      ? boolean
      : T extends readonly []
        ? readonly ParamValue[]
        : T extends readonly (infer E)[]
          ? readonly ParamType<E>[]
          : T extends object
            ? keyof T extends never
              ? Readonly<Record<string, ParamValue>>
              : { readonly [K in keyof T]: ParamType<T[K]> }
            : ParamValue;

/** The parameters a pipeline declares, as steps() and function steps receive them. */
export type ParamsOf<P> = { readonly [K in keyof P]: ParamType<P[K]> };

/** What a function step receives. Paths are absolute; outputs are temporary until it returns. */
export interface StepContext<
  I = InputSpec,
  O = OutputSpec,
  W extends string = string,
  P extends Params = Params,
  L = LogSpec | undefined,
> {
  readonly wildcards: Readonly<Record<W, string>>;
  /** The first input path. */
  readonly input: string;
  readonly inputs: InputPaths<I>;
  /** The first output path. */
  readonly output: string;
  readonly outputs: OutputPaths<O>;
  /** The first log path (written in place, kept when the task fails); undefined without `log`. */
  readonly log: L extends undefined ? undefined : string;
  readonly logs: LogPaths<L>;
  readonly params: P;
  /**
   * The cpus the task holds: its `cpus`, at most `-j`, and on Slurm what the job was granted
   * (`SLURM_CPUS_PER_TASK`). What `{threads}` gives a command.
   */
  readonly threads: number;
  /** The step's name and the task number, for messages. */
  readonly step: string;
  readonly taskId: number;
}

export type StepFunction<
  I = InputSpec,
  O = OutputSpec,
  W extends string = string,
  P extends Params = Params,
  L = LogSpec | undefined,
> = (context: StepContext<I, O, W, P, L>) => void | Promise<void>;

export interface CommandAction {
  readonly kind: 'command';
  readonly argv: readonly string[];
}

export interface ShellAction {
  readonly kind: 'shell';
  readonly script: string;
}

export interface StepResources {
  /** Slots of `-j` the task takes (and threads it may use, e.g. `bowtie2 -p`). Default 1. */
  readonly cpus?: number;
  /** Memory, e.g. '4G' (for Slurm's --mem). */
  readonly memory?: string;
  /** Wall-clock limit: '30s', '10m', '2h', or milliseconds. */
  readonly timeout?: string | number;
  readonly retries?: number;
}

/** Options for `--executor slurm`; the local executor ignores them. */
export interface SlurmStepOptions {
  readonly partition?: string | undefined;
  readonly account?: string | undefined;
  /** More sbatch options, one argv word each, e.g. `['--qos=short', '--constraint=avx2']`. */
  readonly args?: readonly string[] | undefined;
  /**
   * Tasks one array job runs one after the other (default 1). For many short tasks: sluice's
   * start on the node (about 0.1 s) and Slurm's own cost per job are then paid once per job.
   */
  readonly tasksPerJob?: number | undefined;
}

/**
 * What step() takes. A command step may have a no-output limit; a function step, which has no
 * output stream to watch, may not (the loader refuses it too, for JavaScript pipelines).
 */
export type StepSpec<
  I extends InputSpec | undefined,
  O extends OutputSpec,
  P extends Params = Params,
  L extends LogSpec | undefined = LogSpec | undefined,
> = StepFields<I, L> & { readonly out: O } & (FunctionRun<I, O, P, L> | CommandRun);

/** The action of a command step, and the limit only a command step has. */
export interface CommandRun {
  readonly run: CommandAction | ShellAction;
  /**
   * No-output limit: a task that writes nothing to its standard output, standard error or `log`
   * files that long is ended as at its `timeout`. Same forms as `timeout`.
   */
  readonly noOutputTimeout?: string | number;
}

/** The function of a function step (on a worker thread); no `noOutputTimeout`. */
export interface FunctionRun<I, O, P extends Params, L> {
  readonly run: StepFunction<I, O, I extends InputSpec ? BoundWildcards<I> & string : never, P, L>;
  /** Refused: a function step has no output stream to watch (a command step's limit). */
  readonly noOutputTimeout?: { readonly 'noOutputTimeout is for command steps only: a function step has no output stream to watch': never };
}

/** A step's fields besides its output and its action. */
export interface StepFields<I extends InputSpec | undefined, L extends LogSpec | undefined> extends StepResources {
  readonly in?: I;
  /**
   * Values or constraints of the step's wildcards: a list runs the step for exactly those values
   * (`{ sample: ['A', 'B'] }`); a regular expression keeps only the values it matches in full
   * (`{ sample: /[A-Z]+/ }`). Without it, values come from the files on disk.
   */
  readonly wildcards?: string extends InputWildcards<I> ? WildcardValues : { readonly [K in InputWildcards<I> & string]?: WildcardValues[string] };
  /**
   * Log files the task writes itself (`{log}`, `{log.NAME}` in commands; `log`/`logs` in a
   * function's context): written in place, their folders made first, a stale one removed when an
   * attempt starts, kept when the task fails (their last lines join the failure report), never
   * deleted with `temp` outputs, and not outputs: a missing log does not make the task run again.
   * Their wildcards must be bound by the inputs.
   */
  readonly log?: L;
  /** Outputs are intermediates: deleted once all their consumers succeeded. */
  readonly temp?: boolean;
  /**
   * Write the command's standard output to this output (`true`: the first one). Without it, the
   * command writes its outputs itself, through `{out}` or by names it derives.
   */
  readonly stdout?: boolean | string;
  /** Environment variables the step's command reads; their values join the task signature. */
  readonly env?: readonly string[];
  readonly description?: string;
  /** Where and how the step's tasks go out with `--executor slurm`. */
  readonly slurm?: SlurmStepOptions;
}

/**
 * A step, as step() made it. `P` is the parameters its function expects: a step made inside a
 * pipeline's `steps` gets the pipeline's, inferred from where it stands.
 */
export interface Step<P extends Params = Params> extends StepFields<InputSpec | undefined, LogSpec | undefined> {
  readonly kind: 'step';
  readonly out: OutputSpec;
  readonly run: CommandAction | ShellAction | StepFunction;
  readonly noOutputTimeout?: string | number;
  /** Never set: carries `P` for inference (a method, so that steps typed loosely still fit). */
  paramsType?(params: P): void;
}
