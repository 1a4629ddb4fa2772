// Content hashes cached by (path, size, mtime and ctime in ns, inode), as git's index does: an unchanged
// tree costs one query and one stat per file, and a file that was only touched is re-hashed
// once, found unchanged, and its row refreshed.

import path from 'node:path';
import type { StateStore } from '../store/open-store.ts';
import { hashFile, type Hasher } from './hash-file.ts';
import type { FileDigest } from './remembered-hashes.ts';
import { selectByKeys, type KeyedSelect } from '../store/select-by-keys.ts';
import { isSameStat, RACY_MARGIN_NS, statFile, type FileStat } from './stat-file.ts';

export interface HashCacheOptions {
  /** Defaults to `hashFile`. */
  readonly hasher?: Hasher | undefined;
  /**
   * A row is trusted only if the file's mtime was at least this long before the hash was taken
   * (git's "racily clean" rule): a rewrite of the same size within one timestamp tick would
   * otherwise keep its old stat. 2 s covers coarse file systems (FAT 2 s, HFS+ and some NFS 1 s).
   */
  readonly racyMarginNs?: bigint | undefined;
  /** Files hashed at once. */
  readonly concurrency?: number | undefined;
  /**
   * Given: receives the stat of every file whose hash a later run will trust (a cached hash
   * trusted now, or one taken now of a file older than the racy margin), by absolute path.
   */
  readonly observe?: { set(file: string, stat: FileStat): unknown } | undefined;
}

export interface HashCache {
  /** Hashes of the given paths (relative ones resolved to absolute keys); undefined for a missing file. */
  hashFiles(paths: readonly string[]): Promise<Map<string, string | undefined>>;
  /** Counters since creation: rows trusted, and files actually read. */
  readonly counts: { hits: number; hashed: number };
}

interface CacheRow {
  path: string;
  size: bigint;
  mtime_ns: bigint;
  inode: bigint;
  ctime_ns: bigint;
  hash: string;
  hashed_at_ns: bigint;
}

/** A row as `raw()` returns it: arrays are cheaper than objects for 10,000 rows. */
type RawCacheRow = [path: string, size: bigint, mtimeNs: bigint, inode: bigint, hash: string, hashedAtNs: bigint, ctimeNs: bigint | null];

const DEFAULTS = { racyMarginNs: RACY_MARGIN_NS, concurrency: 4 };
const SLASH = 0x2f;

const CACHE_ROWS: KeyedSelect = {
  columns: 'path, size, mtime_ns, inode, hash, hashed_at_ns, ctime_ns',
  table: 'file_hashes',
  key: 'path',
  safeIntegers: true,
};

export function createHashCache(store: StateStore, options: HashCacheOptions = {}): HashCache {
  const hasher = options.hasher ?? hashFile;
  const racyMarginNs = options.racyMarginNs ?? DEFAULTS.racyMarginNs;
  const concurrency = options.concurrency ?? DEFAULTS.concurrency;
  const observe = options.observe;
  const counts = { hits: 0, hashed: 0 };
  async function hashFiles(paths: readonly string[]): Promise<Map<string, string | undefined>> {
    // Indexed loops and no destructuring in this per-file work: until V8 optimizes a loop, each
    // step of a for-of allocates, which a no-op run of 10,000 tasks pays for in garbage.
    const result = new Map<string, string | undefined>();
    const keys: string[] = [];
    for (let i = 0; i < paths.length; i += 1) {
      const p = paths[i] as string;
      // Callers pass absolute paths (signTasks resolves them): resolving again would cost ~10%.
      const key = p.charCodeAt(0) === SLASH || path.isAbsolute(p) ? p : path.resolve(p);
      if (result.has(key)) continue;
      result.set(key, undefined);
      keys.push(key);
    }
    const rows = selectByKeys(store, CACHE_ROWS, keys) as RawCacheRow[];
    const cached = new Map<string, RawCacheRow>();
    for (let i = 0; i < rows.length; i += 1) cached.set((rows[i] as RawCacheRow)[0], rows[i] as RawCacheRow);

    const toHash: Array<{ key: string; stat: FileStat; statAtNs: bigint }> = [];
    // One clock reading before all the stats: earlier than each, so on the safe side of the rule.
    const statAtNs = nowNs();
    for (let i = 0; i < keys.length; i += 1) {
      const key = keys[i] as string;
      const stat = statFile(key);
      if (stat === undefined) continue;
      const row = cached.get(key);
      if (row !== undefined && isTrusted(row, stat, racyMarginNs)) {
        counts.hits += 1;
        result.set(key, row[4]);
        if (observe !== undefined) observe.set(key, stat);
      } else {
        toHash.push({ key, stat, statAtNs });
      }
    }

    const fresh: CacheRow[] = [];
    await forEachLimited(toHash, concurrency, async ({ key, stat, statAtNs }) => {
      counts.hashed += 1;
      let hash: string;
      try {
        hash = await hasher(key, Number(stat.size));
      } catch (error) {
        // Deleted between the stat and the read: as missing as if the stat had not found it.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        result.set(key, undefined);
        return;
      }
      result.set(key, hash);
      // Changed while being read: the hash may mix two versions, so it is not remembered.
      const after = statFile(key);
      if (after === undefined || !isSameStat(stat, after)) return;
      const row: CacheRow = { path: key, size: stat.size, mtime_ns: stat.mtimeNs, inode: stat.inode, ctime_ns: stat.ctimeNs, hash, hashed_at_ns: statAtNs };
      fresh.push(row);
      // A row the next run will trust vouches for the file as a hit does.
      if (observe !== undefined && isOldEnough(row.hashed_at_ns, stat, racyMarginNs)) observe.set(key, stat);
    });
    if (fresh.length > 0) writeHashRows(store, fresh);
    return result;
  }

  return { hashFiles, counts };
}

/**
 * Rows for hashes taken elsewhere (the worker thread that read the file), in one transaction:
 * the next run trusts them as it trusts its own, by the same racy-clean rule.
 */
export function recordFileHashes(store: StateStore, digests: ReadonlyArray<readonly [file: string, digest: FileDigest]>): void {
  const rows: CacheRow[] = [];
  for (const [file, digest] of digests) {
    if (digest.hashedAtNs === undefined) continue;
    rows.push({
      path: file,
      size: digest.size,
      mtime_ns: digest.mtimeNs,
      inode: digest.inode,
      ctime_ns: digest.ctimeNs,
      hash: digest.hash,
      hashed_at_ns: digest.hashedAtNs,
    });
  }
  writeHashRows(store, rows);
}

// The one writer of the table, in one transaction.
function writeHashRows(store: StateStore, rows: readonly CacheRow[]): void {
  const upsert = store.statement(
    `INSERT OR REPLACE INTO file_hashes (path, size, mtime_ns, inode, ctime_ns, hash, hashed_at_ns)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  store.db.transaction(() => {
    for (const r of rows) upsert.run(r.path, r.size, r.mtime_ns, r.inode, r.ctime_ns, r.hash, r.hashed_at_ns);
  })();
}

// A row of an older version (no ctime) is not trusted: the file is hashed once more.
function isTrusted(row: RawCacheRow, stat: FileStat, racyMarginNs: bigint): boolean {
  const sameStat = row[1] === stat.size && row[2] === stat.mtimeNs && row[3] === stat.inode && row[6] === stat.ctimeNs;
  return sameStat && isOldEnough(row[5], stat, racyMarginNs);
}

// The racy-clean rule (git's, on mtime): a rewrite within the tick of the last write could
// otherwise leave the stat as it was. ctime is compared for equality only: `touch -d` setting an
// old mtime back after a rewrite moves ctime to now, which no later rewrite can set back.
function isOldEnough(hashedAtNs: bigint, stat: FileStat, racyMarginNs: bigint): boolean {
  return hashedAtNs - stat.mtimeNs >= racyMarginNs;
}

function nowNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}

async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
