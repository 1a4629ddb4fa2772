// Past runs and their attempts, for `sluice status` and `sluice report`.

import type { StateStore } from './open-store.ts';
import type { AttemptState } from './record-attempt.ts';
import type { RunRecord, RunStatus } from './record-run.ts';

export interface AttemptRecord {
  readonly runId: string;
  readonly taskKey: string;
  readonly taskId: number;
  readonly step: string;
  readonly attempt: number;
  readonly state: AttemptState;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly logPath: string | null;
  /** Epoch ms. */
  readonly startedAt: number;
  readonly finishedAt: number | null;
}

interface RunRow {
  id: string;
  pid: number;
  hostname: string;
  command: string;
  started_at: number;
  finished_at: number | null;
  status: RunStatus;
}

interface AttemptRow {
  run_id: string;
  task_key: string;
  task_id: number;
  step: string;
  attempt: number;
  state: AttemptState;
  exit_code: number | null;
  signal: string | null;
  log_path: string | null;
  started_at: number;
  finished_at: number | null;
}

/** Most recent first. */
export function listRuns(store: StateStore, limit = 20): RunRecord[] {
  const rows = store
    .statement(`SELECT * FROM runs ORDER BY started_at DESC, id DESC LIMIT ?`)
    .all(limit) as RunRow[];
  return rows.map((row) => ({
    id: row.id,
    pid: row.pid,
    hostname: row.hostname,
    command: row.command,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    status: row.status,
  }));
}

/** Every attempt of one run, in the order they started. */
export function readAttempts(store: StateStore, runId: string): AttemptRecord[] {
  const rows = store
    .statement(`SELECT * FROM task_attempts WHERE run_id = ? ORDER BY started_at, task_id, attempt`)
    .all(runId) as AttemptRow[];
  return rows.map((row) => ({
    runId: row.run_id,
    taskKey: row.task_key,
    taskId: row.task_id,
    step: row.step,
    attempt: row.attempt,
    state: row.state,
    exitCode: row.exit_code,
    signal: row.signal,
    logPath: row.log_path,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  }));
}
