// For `sluice status`: how the most recent attempt of each task ended, whatever run it was in.

import type { StateStore } from '../store/open-store.ts';

export interface LastAttempt {
  readonly state: string;
  readonly runId: string;
  readonly logPath: string | null;
}

/** The last attempt of each given task key (by run id, then attempt number). */
export function readLastAttempts(store: StateStore, keys: readonly string[]): Map<string, LastAttempt> {
  const rows = store
    .statement(
      `SELECT task_key, state, run_id, log_path FROM task_attempts
       WHERE task_key IN (SELECT value FROM json_each(?))
       ORDER BY run_id, attempt`,
    )
    .all(JSON.stringify(keys)) as Array<{ task_key: string; state: string; run_id: string; log_path: string | null }>;
  const last = new Map<string, LastAttempt>();
  for (const row of rows) last.set(row.task_key, { state: row.state, runId: row.run_id, logPath: row.log_path });
  return last;
}
