// Errors of the state layer: the database in `.sluice/` and the one-run-per-folder lock.

import { SluiceError } from '../errors.ts';

/** `.sluice/` cannot be used: the database is damaged or from a newer sluice, or the lock is contested. */
export class StateError extends SluiceError {
  override name = 'StateError';
  /** The file at fault: the database or the lock. */
  readonly path: string;

  constructor(message: string, path: string, options?: { cause?: unknown }) {
    super(message, options);
    this.path = path;
  }
}

export interface LockHolder {
  readonly pid: number;
  readonly hostname: string;
  /** ISO time the holder took the lock. */
  readonly startedAt: string;
  readonly command: string;
}

/**
 * Another sluice is running in this folder. `exitStatus` stays 1, not 2: the pipeline is fine
 * and may be run again as it is once the other run ends; `holder` says which run to wait for.
 */
export class RunLockedError extends SluiceError {
  override name = 'RunLockedError';
  readonly lockPath: string;
  readonly holder: LockHolder;

  constructor(lockPath: string, holder: LockHolder, note = '') {
    super(
      `Another sluice run is in progress in this folder: pid ${holder.pid} on ${holder.hostname}, ` +
        `started ${holder.startedAt}, command \`${holder.command}\`${note}. ` +
        `Wait for it to finish, or stop it; the lock is ${lockPath}.`,
    );
    this.lockPath = lockPath;
    this.holder = holder;
  }
}
