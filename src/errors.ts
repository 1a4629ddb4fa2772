// Errors are values with fields: one base class, a subclass per layer that can fail.

export class SluiceError extends Error {
  override name = 'SluiceError';
  /** Process exit status this error maps to when it ends a command. */
  readonly exitStatus: number = 1;
}

/** Where a plan error lies, as far as the code that found it knows. */
export interface PlanErrorPlace {
  /** The pipeline file at fault. */
  readonly file?: string | undefined;
  /** The step at fault. */
  readonly step?: string | undefined;
  /** The field of the step (`memory`, `in.reads`, `run`) or the option (`--jobs`) at fault. */
  readonly field?: string | undefined;
}

/**
 * Something wrong with the command line, the pipeline or the plan; nothing has run. Exit 2.
 * Carries the file, step and field at fault where they are known, besides the message.
 */
export class PlanError extends SluiceError {
  override name = 'PlanError';
  override readonly exitStatus = 2;
  // Declared, not initialized: an error without a place has no such properties at all.
  declare readonly file?: string;
  declare readonly step?: string;
  declare readonly field?: string;

  constructor(message: string, options: PlanErrorPlace & { readonly cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const place = this as { file?: string; step?: string; field?: string };
    if (options.file !== undefined) place.file = options.file;
    if (options.step !== undefined) place.step = options.step;
    if (options.field !== undefined) place.field = options.field;
  }
}

/**
 * Adds what the caller knows of where a plan error lies (its file, step, field) to one thrown by
 * code that knew less, keeping what that code knew. Any other error is returned as it came.
 */
export function placePlanError(error: unknown, place: PlanErrorPlace): unknown {
  if (!(error instanceof PlanError)) return error;
  const known = error as { file?: string; step?: string; field?: string };
  if (known.file === undefined && place.file !== undefined) known.file = place.file;
  if (known.step === undefined && place.step !== undefined) known.step = place.step;
  if (known.field === undefined && place.field !== undefined) known.field = place.field;
  return error;
}

/**
 * A backend could not do what it was asked (a launcher died, sbatch failed). When it ends a
 * command, the machine or the cluster is at fault: exit 3, as an environment fault.
 */
export class BackendError extends SluiceError {
  override name = 'BackendError';
  override readonly exitStatus: number = 3;
}

/** Exit status of a broken invariant: a bug in sluice, neither a failed task nor a broken machine. */
export const BUG_EXIT_STATUS = 70;

/** A broken invariant inside sluice. */
export class BugError extends SluiceError {
  override name = 'BugError';
  override readonly exitStatus = BUG_EXIT_STATUS;
}

/**
 * The machine, not the pipeline, is at fault: a full disk, a damaged state database, `.sluice/`
 * removed during a run, a native module that was never built. Exit 3, so that a script can tell
 * "fix the machine and run again" from a failed task (1) or a wrong pipeline (2).
 */
export class EnvironmentError extends SluiceError {
  override name = 'EnvironmentError';
  override readonly exitStatus = 3;
  /** The file or folder at fault. */
  readonly path: string;

  constructor(message: string, path: string, options?: { cause?: unknown }) {
    super(message, options);
    this.path = path;
  }
}

/**
 * A task ran but its output cannot be kept under its final name (a folder stands there): the
 * task fails with this message as its reason.
 */
export class OutputError extends SluiceError {
  override name = 'OutputError';
}

/** Broken invariant inside sluice. */
export function bug(message: string): never {
  throw new BugError(`${message} (this is a bug in sluice)`);
}
