import { hashFileSync } from './hash-file.ts';
import type { FileDigest } from './remembered-hashes.ts';
import { isSameStat, statFile } from './stat-file.ts';

/**
 * A file's content hash with its stat; undefined when it is missing or changed while read.
 * Synchronous: it runs on the worker thread that wrote the file (hashFileSync says why).
 */
export function digestFileSync(file: string): FileDigest | undefined {
  // Earlier than the stat: on the safe side of the hash cache's racy-clean rule.
  const hashedAtNs = BigInt(Date.now()) * 1_000_000n;
  const before = statFile(file);
  if (before === undefined) return undefined;
  let hash: string;
  try {
    hash = hashFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const after = statFile(file);
  if (after === undefined || !isSameStat(before, after)) return undefined;
  return { size: before.size, mtimeNs: before.mtimeNs, inode: before.inode, ctimeNs: before.ctimeNs, hash, hashedAtNs };
}
