// A task is plain data: any executor (local processes, worker threads, a Slurm job running
// sluice on a compute node) can run it from its JSON form alone.

/**
 * One piece of an argument: literal text, a reference to one of the task's outputs, or the
 * task's `{threads}` (known where it runs: on Slurm, what the job was granted).
 */
export type ArgPart = string | { readonly output: number } | { readonly threads: true };

/**
 * One argv element. Outputs stay symbolic until the executor renders the argv, so the same task
 * can run with temporary output paths (atomic writes) and print with the final ones.
 */
export type Arg = string | { readonly parts: readonly ArgPart[] };

export type Action =
  | { readonly kind: 'argv'; readonly argv: readonly Arg[] }
  | ShellScriptAction
  | FunctionAction;

/**
 * A shell script with its placeholders quoted: a pipeline's `sh()` or `sluice map --shell`. It
 * names the bash found when it was planned (a Slurm node runs the same file) and runs as `bash
 * -euo pipefail -c SCRIPT`, so a failure anywhere in the script, even first in a pipe, fails the
 * task.
 */
export interface ShellScriptAction {
  readonly kind: 'shell';
  readonly script: readonly ArgPart[];
  /** Absolute path of bash: strict mode. */
  readonly bash: string;
}

/**
 * A TypeScript function of a pipeline step. Functions cannot travel between threads or hosts,
 * so the task names the module and step; the worker imports the module and finds the function.
 */
export interface FunctionAction {
  readonly kind: 'function';
  /** Absolute path of the pipeline file. */
  readonly module: string;
  readonly step: string;
  /** The function's source text: what the task's signature covers. */
  readonly source: string;
  /** Hash of the local modules the pipeline imports, which the function may call. */
  readonly modules?: string | undefined;
}

/** A parameter's value: plain data, as a config file gives it (scalars, lists, records). */
export type ParamValue = string | number | boolean | null | readonly ParamValue[] | { readonly [key: string]: ParamValue };

export interface Resources {
  /** Slots the task takes from `-j`. */
  readonly cpus: number;
  /** The cpus it holds, `{threads}`: `cpus`, at most `-j` (a Slurm job reads what it was granted). */
  readonly threads?: number | undefined;
  /** Wall-clock limit in milliseconds; undefined means none. */
  readonly timeoutMs?: number | undefined;
  /**
   * No-output limit in milliseconds: a command task that writes nothing to its standard output,
   * standard error or logs that long is ended as at its timeout. Undefined means none.
   */
  readonly noOutputTimeoutMs?: number | undefined;
  /** Extra attempts after a failure. */
  readonly retries: number;
  /** Memory the task needs, e.g. '4G' (Slurm's --mem); not enforced locally. */
  readonly memory?: string | undefined;
}

export interface Task {
  /** 1-based task number, `{#}`. Unique within a run. */
  readonly id: number;
  readonly step: string;
  readonly action: Action;
  /** Paths as the user wrote or matched them, relative to `cwd` or absolute. */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /**
   * Log files the task writes itself (`{log}`), relative to `cwd` or absolute: written in place,
   * kept when it fails, not outputs (a missing one does not make the task run again).
   */
  readonly logs?: readonly string[] | undefined;
  /** Index into `outputs` that receives the command's standard output, if any. */
  readonly stdoutOutput?: number | undefined;
  readonly cwd: string;
  readonly resources: Resources;
  /** Values of the step's named wildcards, e.g. `{ patient: '07' }`. */
  readonly wildcards?: Readonly<Record<string, string>> | undefined;
  /** Names of inputs (index into `inputs`, or several for a gather) as the step declared them. */
  readonly inputNames?: Readonly<Record<string, number | readonly number[]>> | undefined;
  readonly outputNames?: Readonly<Record<string, number>> | undefined;
  /** The pipeline's parameter values, for function steps and signatures. */
  readonly params?: Readonly<Record<string, ParamValue>> | undefined;
  /** Outputs are intermediates, deleted once every task that reads them has succeeded. */
  readonly temporary?: boolean | undefined;
  /**
   * A temporary task whose readers the run's targets left out, in part: its outputs stay, as a
   * reader that did not run may still need them (plan/select-targets.ts).
   */
  readonly readersLeftOut?: true | undefined;
  /** The step's declared environment variables and their values. */
  readonly env?: Readonly<Record<string, string>> | undefined;
}
