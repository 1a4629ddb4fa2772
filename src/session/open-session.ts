import path from 'node:path';
import type { Task } from '../kernel/task.ts';
import { removeLeftTemporaries } from '../kernel/write-atomically.ts';
import { stateDirOf } from '../state/store/state-dir.ts';
import { isProcessAlive } from '../state/lock/process-start.ts';
import { forgetSnapshots } from '../state/freshness/up-to-date-snapshot.ts';
import { isStillCurrent, type UnchangedFiles } from '../state/freshness/unchanged-files.ts';
import { createThreadHasher, type ThreadHasher } from '../state/hashes/hash-in-threads.ts';
import { createProcessRecorder, type ProcessRecorder } from '../state/journal/record-running-processes.ts';
import { acquireRunLock, type RunLock } from '../state/lock/run-lock.ts';
import { readLogLimits, type LogLimits } from '../state/logs/log-limits.ts';
import { openStore, type StateStore } from '../state/store/open-store.ts';
import { closeSession } from './close-session.ts';
import { endPreviousRun } from './end-previous-run.ts';
import { stateDirGone } from './guard-environment.ts';
import { removeStaleTemporaries, type Cleanup } from './remove-stale-temporaries.ts';

/** Folders of `.sluice/` whose files are written whole (write-atomically.ts): kept plans, pipelines' bundles. */
const LEFT_TEMPORARIES_IN = ['plans', 'pipelines'];

export interface SessionRequest {
  /** The folder whose `.sluice/` holds state and logs. */
  readonly root: string;
  /** Shown to a second sluice refused by the lock. */
  readonly command: string;
  /** Threads that hash large files. */
  readonly jobs: number;
  /** Their outputs' folders are where a killed run may have left staged outputs. */
  readonly tasks: readonly Task[];
  /** The files the last run's snapshot vouches for, read before the lock was taken. */
  readonly unchanged?: UnchangedFiles | undefined;
  /** `tasks` are those of `whole` an edit touched (narrow-kept-plan.ts). */
  readonly narrowed?: { readonly whole: () => { readonly tasks: readonly Task[] } } | undefined;
}

/** A folder's state held by one run: what openSession opened, closeSession closes. */
export interface Session {
  readonly root: string;
  readonly store: StateStore;
  readonly lock: RunLock;
  /** Every task's process group, as it starts: what a SIGKILL of this run leaves is ended by the next. */
  readonly processes: ProcessRecorder;
  /** Large files are hashed on -j worker threads (a first run hashes every input before it starts). */
  readonly hasher: ThreadHasher;
  readonly logLimits: LogLimits;
  /** What the killed run before left staged, moved into place or removed. */
  readonly cleanup: Cleanup;
  /** The request's `unchanged`, when no run held the lock since it was read and nothing was cleaned up. */
  readonly unchanged?: UnchangedFiles | undefined;
}

/**
 * Opens a run in `root`: the store, the lock, then, holding it, what a killed run left running
 * ended and its staged outputs recovered or removed, and its snapshot forgotten. Whatever fails on
 * the way, what was opened is closed again.
 */
export async function openSession(request: SessionRequest): Promise<Session> {
  // First: a bad SLUICE_LOG_* value is refused before anything is locked or run.
  const logLimits = readLogLimits();
  const store = openStore(request.root);
  let lock: RunLock;
  try {
    lock = acquireRunLock(request.root, { command: request.command });
  } catch (error) {
    store.close();
    throw error;
  }
  const processes = createProcessRecorder(store, lock.info.token);
  const hasher = createThreadHasher(request.jobs);
  const opened = { root: request.root, store, lock, processes, hasher, logLimits };
  try {
    if (lock.note !== undefined) process.stderr.write(`sluice: ${lock.note}\n`);
    // Before anything is cleaned up or started: no process of a killed run writes any more.
    await endPreviousRun(store);
    // Any run that held the lock since the snapshot was read deleted it, as this one does now.
    const current = request.unchanged !== undefined && isStillCurrent(request.unchanged);
    // Whatever this run does, a snapshot taken before it no longer speaks for the files.
    forgetSnapshots(request.root);
    // What a run killed while it wrote its kept plan or a pipeline's bundle left (write-atomically.ts).
    for (const folder of LEFT_TEMPORARIES_IN) removeLeftTemporaries(path.join(stateDirOf(request.root), folder), isProcessAlive);
    // A plan narrowed to what an edit touched is run whole when the snapshot went (run-session.ts).
    const cleanup = await removeStaleTemporaries(store, current ? request.tasks : (request.narrowed?.whole().tasks ?? request.tasks));
    const clean = current && cleanup.recovered + cleanup.removed === 0;
    return { ...opened, cleanup, unchanged: clean ? request.unchanged : undefined };
  } catch (error) {
    await closeSession({ ...opened, cleanup: { recovered: 0, removed: 0 } });
    // With `.sluice/` removed, SQLite refuses writes to the database it no longer finds.
    throw stateDirGone({ stateDir: store.stateDir, dbPath: store.dbPath }) ?? error;
  }
}
