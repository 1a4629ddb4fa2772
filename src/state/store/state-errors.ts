// Errors of the state layer: the database in `.sluice/` and the one-run-per-folder lock.

import { EnvironmentError, SluiceError } from '../../errors.ts';

/**
 * `.sluice/` cannot be used: the database is damaged, unreadable or from a newer sluice. An
 * environment fault (exit 3): the pipeline is fine, the folder's state is not.
 */
export class StateError extends EnvironmentError {
  override name = 'StateError';
}

export interface LockHolder {
  readonly pid: number;
  readonly hostname: string;
  /** ISO time the holder took the lock. */
  readonly startedAt: string;
  readonly command: string;
}

/**
 * The folder's lock could not be taken: refused before anything ran, so exit 2, as a usage
 * error. The pipeline is fine and may be run again as it is once the other run ends.
 */
export class LockBusyError extends SluiceError {
  override name = 'LockBusyError';
  override readonly exitStatus = 2;
  readonly lockPath: string;

  constructor(message: string, lockPath: string) {
    super(message);
    this.lockPath = lockPath;
  }
}

/** Another sluice is running in this folder; `holder` says which run to wait for. */
export class RunLockedError extends LockBusyError {
  override name = 'RunLockedError';
  readonly holder: LockHolder;

  constructor(lockPath: string, holder: LockHolder, note = '') {
    super(
      `Another sluice run is in progress in this folder: pid ${holder.pid} on ${holder.hostname}, ` +
        `started ${holder.startedAt}, command \`${holder.command}\`${note}. ` +
        `Wait for it to finish, or stop it; the lock is ${lockPath}.`,
      lockPath,
    );
    this.holder = holder;
  }
}

// The state database this process opened last: SQLite's errors name no file, and one that
// reaches the command line (a write in a timer) is reported with it.
let lastStateDb: string | undefined;

export function noteStateDbOpened(dbPath: string): void {
  lastStateDb = dbPath;
}

export function lastStateDbOpened(): string | undefined {
  return lastStateDb;
}
