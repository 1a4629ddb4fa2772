// The runs table: one row per `sluice run`/`sluice map`, for status, report and log pruning.
// Call these only while holding the run lock (run-lock.ts).

import os from 'node:os';
import type { StateStore } from '../store/open-store.ts';
import { makeRunId } from '../logs/logs-dir.ts';

export type RunStatus = 'running' | 'succeeded' | 'failed' | 'interrupted' | 'crashed';

export interface RunRecord {
  readonly id: string;
  readonly pid: number;
  readonly hostname: string;
  readonly command: string;
  /** Epoch ms. */
  readonly startedAt: number;
  readonly finishedAt: number | null;
  readonly status: RunStatus;
}

export interface RunStart {
  /** From `makeRunId`; also the name of the run's log folder. */
  readonly id: string;
  readonly command: string;
  readonly pid?: number | undefined;
  readonly startedAt?: number | undefined;
}

/**
 * Records a new run. Runs still marked 'running' can only be left by a sluice that died (the
 * caller holds the lock), so in the same transaction they become 'crashed'.
 */
export function startRun(store: StateStore, start: RunStart): RunRecord {
  const record: RunRecord = {
    id: start.id,
    pid: start.pid ?? process.pid,
    hostname: os.hostname(),
    command: start.command,
    startedAt: start.startedAt ?? Date.now(),
    finishedAt: null,
    status: 'running',
  };
  store.db.transaction(() => {
    store.statement(`UPDATE runs SET status = 'crashed' WHERE status = 'running'`).run();
    store
      .statement(
        `INSERT INTO runs (id, pid, hostname, command, started_at, finished_at, status)
         VALUES (?, ?, ?, ?, ?, NULL, 'running')`,
      )
      .run(record.id, record.pid, record.hostname, record.command, record.startedAt);
  })();
  return record;
}

/** Closes a run. */
export function finishRun(
  store: StateStore,
  id: string,
  status: Exclude<RunStatus, 'running' | 'crashed'>,
  finishedAt: number = Date.now(),
): void {
  store.statement(`UPDATE runs SET status = ?, finished_at = ? WHERE id = ?`).run(status, finishedAt, id);
}

/**
 * A run id (`makeRunId`: its second and pid) no run of this folder has: a run that starts in the
 * same second as an earlier one of the same process (the rounds of a pipeline with folder
 * outputs, a library caller) takes the next free second, so ids stay in the order runs began.
 * Called holding the run lock.
 */
export function freeRunId(store: StateStore, now: number = Date.now(), pid: number = process.pid): string {
  const taken = store.statement('SELECT 1 AS found FROM runs WHERE id = ?');
  for (let later = 0; ; later += 1000) {
    const id = makeRunId(new Date(now + later), pid);
    if (taken.get(id) === undefined) return id;
  }
}
