// Keeps `.sluice/` from growing without end: only the last runs keep their logs and rows.

import fs from 'node:fs';
import type { StateStore } from './open-store.ts';
import { compareRunIds, isRunId, logsDirOf, runLogDir } from './logs-dir.ts';

export interface PruneOptions {
  /** Runs to keep, newest first. Default 20. */
  readonly keep?: number | undefined;
  /** Kept whatever its age: the run that is pruning. */
  readonly currentRunId?: string | undefined;
}

/** Deletes the log folders and history rows of all but the newest runs; returns the run ids removed. */
export function pruneRuns(store: StateStore, options: PruneOptions = {}): string[] {
  const keep = options.keep ?? 20;
  const logsDir = logsDirOf(store.root);
  const onDisk = fs.existsSync(logsDir)
    ? fs.readdirSync(logsDir, { withFileTypes: true }).filter((e) => e.isDirectory() && isRunId(e.name)).map((e) => e.name)
    : [];
  const inDb = (store.statement('SELECT id FROM runs').all() as Array<{ id: string }>).map((row) => row.id);
  const newestFirst = [...new Set([...onDisk, ...inDb])].sort(compareRunIds).reverse();
  const doomed = newestFirst.slice(keep).filter((id) => id !== options.currentRunId);
  if (doomed.length === 0) return [];
  // Rows first: a crash between the two leaves log folders without a run, which the next prune
  // removes, never a run whose logs are gone.
  store.statement('DELETE FROM runs WHERE id IN (SELECT value FROM json_each(?))').run(JSON.stringify(doomed));
  for (const id of doomed) fs.rmSync(runLogDir(store.root, id), { recursive: true, force: true });
  return doomed;
}
