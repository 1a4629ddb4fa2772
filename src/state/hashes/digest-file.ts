import fs from 'node:fs';
import { hashOpenFile, openToHash } from './hash-file.ts';
import type { FileDigest } from './remembered-hashes.ts';
import { isSameStat, type FileStat } from './stat-file.ts';

/**
 * A file's content hash with its stat; undefined when it is missing or changed while read.
 * Synchronous: it runs on the worker thread that wrote the file (hashFileSync says why). The
 * stats are of the open file, before and after the read (five system calls in all, where a stat of
 * the path on either side made seven): the digest describes the inode that was read, and whoever
 * trusts it later compares it with a stat of the path (inode included), so a file replaced since
 * is read again.
 */
export function digestFileSync(file: string): FileDigest | undefined {
  // Earlier than the stat: on the safe side of the hash cache's racy-clean rule.
  const hashedAtNs = BigInt(Date.now()) * 1_000_000n;
  let fd: number;
  try {
    fd = openToHash(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const before = fs.fstatSync(fd, { bigint: true });
    const hash = hashOpenFile(file, fd, before);
    const after = fs.fstatSync(fd, { bigint: true });
    const stat = toFileStat(before);
    if (!isSameStat(stat, toFileStat(after))) return undefined;
    return { ...stat, hash, hashedAtNs };
  } finally {
    fs.closeSync(fd);
  }
}

function toFileStat(stat: fs.BigIntStats): FileStat {
  return { size: stat.size, mtimeNs: stat.mtimeNs, inode: BigInt.asIntN(64, stat.ino), ctimeNs: stat.ctimeNs };
}
