// A task is plain data: any executor (local processes, worker threads, a Slurm job running
// sluice on a compute node) can run it from its JSON form alone.

/** One piece of an argument: literal text, or a reference to one of the task's outputs. */
export type ArgPart = string | { readonly output: number };

/**
 * One argv element. Outputs stay symbolic until the executor renders the argv, so the same task
 * can run with temporary output paths (atomic writes) and print with the final ones.
 */
export type Arg = string | { readonly parts: readonly ArgPart[] };

export type Action =
  | { readonly kind: 'argv'; readonly argv: readonly Arg[] }
  | { readonly kind: 'shell'; readonly script: readonly ArgPart[] };

export interface Resources {
  /** Slots the task takes from `-j`. */
  readonly cpus: number;
  /** Wall-clock limit in milliseconds; undefined means none. */
  readonly timeoutMs?: number | undefined;
  /** Extra attempts after a failure. */
  readonly retries: number;
}

export interface Task {
  /** 1-based task number, `{#}`. Unique within a run. */
  readonly id: number;
  readonly step: string;
  readonly action: Action;
  /** Paths as the user wrote or matched them, relative to `cwd` or absolute. */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** Index into `outputs` that receives the command's standard output, if any. */
  readonly stdoutOutput?: number | undefined;
  readonly cwd: string;
  readonly resources: Resources;
}
