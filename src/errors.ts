// Errors are values with fields: one base class, a subclass per layer that can fail.

export class SluiceError extends Error {
  override name = 'SluiceError';
  /** Process exit status this error maps to when it ends a command. */
  readonly exitStatus: number = 1;
}

/** Something wrong with the command line, the pipeline or the plan; nothing has run. Exit 2. */
export class PlanError extends SluiceError {
  override name = 'PlanError';
  override readonly exitStatus = 2;
}

/** A backend could not do what it was asked (a launcher died, sbatch failed). */
export class BackendError extends SluiceError {
  override name = 'BackendError';
}

/** Broken invariant inside sluice. */
export function bug(message: string): never {
  throw new SluiceError(`${message} (this is a bug in sluice)`);
}
