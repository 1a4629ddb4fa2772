// The hash cache keeps a row per file ever hashed; files of old runs (renamed samples, removed
// intermediates) would otherwise stay forever.

import type { StateStore } from '../store/open-store.ts';
import { statFile } from './stat-file.ts';

/** Deletes the rows of files that no longer exist; returns how many. One stat per row. */
export function pruneHashCache(store: StateStore): number {
  const paths = store.statement('SELECT path FROM file_hashes').pluck().all() as string[];
  const gone = paths.filter((p) => statFile(p) === undefined);
  if (gone.length === 0) return 0;
  return store
    .statement('DELETE FROM file_hashes WHERE path IN (SELECT value FROM json_each(?))')
    .run(JSON.stringify(gone)).changes;
}
