// Past runs and their attempts, for `sluice status` and `sluice report`.

import type { StateStore } from '../store/open-store.ts';
import type { AttemptState } from './record-attempt.ts';
import type { RunRecord, RunStatus } from './record-run.ts';
import type { RunStepCounts } from './record-run-steps.ts';

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
  /** The command quoted for pasting into sh; null in runs recorded before it was kept. */
  readonly command: string | null;
  /** Why the attempt failed when the exit status does not say (e.g. an output was not made). */
  readonly error: string | null;
  readonly cpuMs: number | null;
  readonly maxRssKb: number | null;
  /** Step and wildcards, `bwa_map[sample=A]`; null in runs recorded before it was kept. */
  readonly taskName: string | null;
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
  command: string | null;
  error: string | null;
  cpu_ms: number | null;
  max_rss_kb: number | null;
  task_name: string | null;
}

/** Most recent first. */
export function listRuns(store: StateStore, limit = 20): RunRecord[] {
  const rows = store
    .statement(`SELECT * FROM runs ORDER BY started_at DESC, id DESC LIMIT ?`)
    .all(limit) as RunRow[];
  return rows.map(toRunRecord);
}

/** One run by id, or undefined when it is not (or no longer) recorded. */
export function readRun(store: StateStore, runId: string): RunRecord | undefined {
  const row = store.statement(`SELECT * FROM runs WHERE id = ?`).get(runId) as RunRow | undefined;
  return row === undefined ? undefined : toRunRecord(row);
}

function toRunRecord(row: RunRow): RunRecord {
  return {
    id: row.id,
    pid: row.pid,
    hostname: row.hostname,
    command: row.command,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    status: row.status,
  };
}

/** Per step, in plan order, the tasks a run planned and found up to date; [] for a run that crashed. */
export function readRunSteps(store: StateStore, runId: string): RunStepCounts[] {
  const rows = store
    .statement(`SELECT step, position, tasks, up_to_date FROM run_steps WHERE run_id = ? ORDER BY position`)
    .all(runId) as Array<{ step: string; position: number; tasks: number; up_to_date: number }>;
  return rows.map((row) => ({ step: row.step, position: row.position, tasks: row.tasks, upToDate: row.up_to_date }));
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
    command: row.command,
    error: row.error,
    cpuMs: row.cpu_ms,
    maxRssKb: row.max_rss_kb,
    taskName: row.task_name,
  }));
}
