import type { ChosenExecutor } from '../execute/create-executor.ts';
import type { Executor } from '../execute/executor.ts';
import type { ProcessRecorder } from '../state/journal/record-running-processes.ts';
import type { StateStore } from '../state/store/open-store.ts';
import { endPreviousRun } from './end-previous-run.ts';
import type { Session } from './open-session.ts';

/** What a run started beside its session, closed with it. */
export interface SessionBackend {
  /** The executor, unless it was shut down already (shutting down again does nothing). */
  readonly executor?: Executor | undefined;
  /** What the chosen backend warmed and its executor did not take over. */
  readonly chosen?: ChosenExecutor | undefined;
}

/**
 * Closes a run, after a success, a failure or Ctrl-C alike, in this order: the hash threads, the
 * executor (its tasks cancelled), what was warmed for it, then what this run's tasks left running
 * (before the lock goes, so no other run meets them), and last the lock and the store.
 */
export async function closeSession(session: Session, backend: SessionBackend = {}): Promise<void> {
  try {
    await session.hasher.close();
    await backend.executor?.shutdown();
    await backend.chosen?.close();
    await endOwnLeftovers(session.processes, session.store);
  } finally {
    session.lock.release();
    session.store.close();
  }
}

// What the launcher could not end (it died while tasks ran) is ended now, not left to the next run.
async function endOwnLeftovers(processes: ProcessRecorder, store: StateStore): Promise<void> {
  processes.flush();
  try {
    await endPreviousRun(store);
  } catch (error) {
    // Still recorded: the next run tries again before it starts anything.
    process.stderr.write(`sluice: ${(error as Error).message}\n`);
  }
}
