// Intermediate files sluice deleted after their consumers succeeded, with their content hash.

import type { HashCache } from '../hashes/hash-cache.ts';
import type { StateStore } from '../store/open-store.ts';

/** Hashes of the given absolute paths that were deleted as temporaries. */
export function readDeletedTemporaries(store: StateStore, paths: readonly string[]): Map<string, string> {
  const rows = store
    .statement(`SELECT path, hash FROM deleted_temporaries WHERE path IN (SELECT value FROM json_each(?))`)
    .all(JSON.stringify(paths)) as Array<{ path: string; hash: string }>;
  return new Map(rows.map((row) => [row.path, row.hash]));
}

/** Remembers deleted temporaries (absolute path → content hash), in one transaction. */
export function recordDeletedTemporaries(store: StateStore, hashes: ReadonlyMap<string, string>): void {
  const insert = store.statement(`INSERT OR REPLACE INTO deleted_temporaries (path, hash, deleted_at) VALUES (?, ?, ?)`);
  const now = Date.now();
  store.db.transaction(() => {
    for (const [path, hash] of hashes) insert.run(path, hash, now);
  })();
}

/** Forgets temporaries that exist again (their producer ran). */
export function forgetDeletedTemporaries(store: StateStore, paths: readonly string[]): void {
  store.statement(`DELETE FROM deleted_temporaries WHERE path IN (SELECT value FROM json_each(?))`).run(JSON.stringify(paths));
}

/** A hash cache that answers for deleted temporaries with their recorded hash. */
export function withDeletedTemporaries(store: StateStore, cache: HashCache): HashCache {
  return {
    counts: cache.counts,
    async hashFiles(paths) {
      const hashes = await cache.hashFiles(paths);
      // forEach, not a spread of the entries: no pair array per file (10,000 per no-op run).
      const missing: string[] = [];
      hashes.forEach((hash, file) => {
        if (hash === undefined) missing.push(file);
      });
      if (missing.length === 0) return hashes;
      for (const [file, hash] of readDeletedTemporaries(store, missing)) hashes.set(file, hash);
      return hashes;
    },
  };
}
