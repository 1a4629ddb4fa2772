import { hashFile } from './hash-file.ts';
import type { FileDigest } from './remembered-hashes.ts';
import { isSameStat, statFile } from './stat-file.ts';

/** A file's content hash with its stat; undefined when it is missing or changed while read. */
export async function digestFile(file: string): Promise<FileDigest | undefined> {
  const before = statFile(file);
  if (before === undefined) return undefined;
  const hash = await hashFile(file);
  const after = statFile(file);
  if (after === undefined || !isSameStat(before, after)) return undefined;
  return { size: before.size, mtimeNs: before.mtimeNs, inode: before.inode, hash };
}
