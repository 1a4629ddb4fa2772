// Keeps `.sluice/` from growing without end: only the last runs keep their logs and rows, and
// only as many of them as fit in a byte budget (state/logs/log-limits.ts).

import fs from 'node:fs';
import path from 'node:path';
import type { StateStore } from '../store/open-store.ts';
import { LOG_LIMITS } from '../logs/log-limits.ts';
import { compareRunIds, isRunId, logsDirOf, runLogDir } from '../logs/logs-dir.ts';
import { writeFileAtomically } from '../../kernel/write-atomically.ts';

export interface PruneOptions {
  /** Runs to keep, newest first. Default `LOG_LIMITS.runs`. */
  readonly keep?: number | undefined;
  /** Bytes of logs to keep over the runs kept, newest first. Default `LOG_LIMITS.totalBytes`. */
  readonly keepBytes?: number | undefined;
  /** Kept whatever its age and size: the run that is pruning. */
  readonly currentRunId?: string | undefined;
}

// Each finished run's log bytes, measured once: its folder no longer changes.
const SIZES_FILE = 'sizes.json';

/**
 * Deletes the log folders and history rows of all but the newest runs: past `keep` runs, and
 * from the first run whose logs would take the total past `keepBytes`. Returns the ids removed.
 */
export function pruneRuns(store: StateStore, options: PruneOptions = {}): string[] {
  const keep = options.keep ?? LOG_LIMITS.runs;
  const keepBytes = options.keepBytes ?? LOG_LIMITS.totalBytes;
  const logsDir = logsDirOf(store.root);
  const onDisk = fs.existsSync(logsDir)
    ? fs.readdirSync(logsDir, { withFileTypes: true }).filter((e) => e.isDirectory() && isRunId(e.name)).map((e) => e.name)
    : [];
  const inDb = (store.statement('SELECT id FROM runs').all() as Array<{ id: string }>).map((row) => row.id);
  const newestFirst = [...new Set([...onDisk, ...inDb])].sort(compareRunIds).reverse();
  const known = readSizes(logsDir);
  const sizes: Record<string, number> = {};
  const present = new Set(onDisk);
  const sizeOf = (id: string): number => {
    if (!present.has(id)) return 0;
    const size = id !== options.currentRunId && known[id] !== undefined ? known[id] : measureFolder(runLogDir(store.root, id));
    sizes[id] = size;
    return size;
  };
  const doomed: string[] = [];
  let total = options.currentRunId === undefined ? 0 : sizeOf(options.currentRunId);
  // The current run is kept besides the `keep` newest (it is the newest but for a clock set back).
  let kept = 0;
  let full = false;
  for (const id of newestFirst) {
    if (id === options.currentRunId) continue;
    if (!full && kept < keep) {
      const size = sizeOf(id);
      if (total + size <= keepBytes) {
        total += size;
        kept += 1;
        continue;
      }
      // Older runs go too: what is kept is always the newest runs.
      full = true;
    }
    doomed.push(id);
  }
  if (doomed.length > 0) {
    // Rows first: a crash between the two leaves log folders without a run, which the next prune
    // removes, never a run whose logs are gone.
    store.statement('DELETE FROM runs WHERE id IN (SELECT value FROM json_each(?))').run(JSON.stringify(doomed));
    for (const id of doomed) fs.rmSync(runLogDir(store.root, id), { recursive: true, force: true });
  }
  if (present.size > 0) writeSizes(logsDir, sizes);
  return doomed;
}

function readSizes(logsDir: string): Readonly<Record<string, number>> {
  try {
    const parsed = JSON.parse(fs.readFileSync(path.join(logsDir, SIZES_FILE), 'utf8')) as unknown;
    if (typeof parsed !== 'object' || parsed === null) return {};
    return Object.fromEntries(Object.entries(parsed).filter(([id, size]) => isRunId(id) && Number.isSafeInteger(size) && (size as number) >= 0));
  } catch {
    return {};
  }
}

function writeSizes(logsDir: string, sizes: Readonly<Record<string, number>>): void {
  const file = path.join(logsDir, SIZES_FILE);
  try {
    writeFileAtomically(file, JSON.stringify(sizes));
  } catch {
    // Only a cache: the next prune measures again.
  }
}

/** Bytes of the files under a folder (its subfolders included). */
export function measureFolder(folder: string): number {
  let total = 0;
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(folder, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const file = path.join(folder, entry.name);
    if (entry.isDirectory()) total += measureFolder(file);
    else {
      try {
        total += fs.lstatSync(file).size;
      } catch {
        // Gone meanwhile.
      }
    }
  }
  return total;
}
