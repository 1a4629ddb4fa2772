// The stat fields that identify a file version, as git's index keeps them.

import fs from 'node:fs';

/**
 * A stat is trusted to stand for a file's content only if the content was read at least this
 * long after the file's mtime (git's "racily clean" rule): a rewrite of the same size within one
 * timestamp tick would otherwise keep its old stat. 2 s covers coarse file systems (FAT 2 s,
 * HFS+ and some NFS 1 s).
 */
export const RACY_MARGIN_NS = 2_000_000_000n;

export interface FileStat {
  readonly size: bigint;
  /** Modification time in nanoseconds since the epoch. */
  readonly mtimeNs: bigint;
  /** Inode as a signed 64-bit integer, the range SQLite stores. */
  readonly inode: bigint;
  /**
   * Status change time in nanoseconds since the epoch: any write, and `touch -d` setting an old
   * mtime back, moves it to now; nothing but the kernel can set it.
   */
  readonly ctimeNs: bigint;
}

/** Stats a path following symlinks; undefined when it does not exist. */
export function statFile(filePath: string): FileStat | undefined {
  let stat: fs.BigIntStats | undefined;
  try {
    stat = fs.statSync(filePath, { bigint: true, throwIfNoEntry: false });
  } catch (error) {
    // A parent that is a file means the path cannot exist either.
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw error;
  }
  if (stat === undefined) return undefined;
  return { size: stat.size, mtimeNs: stat.mtimeNs, inode: BigInt.asIntN(64, stat.ino), ctimeNs: stat.ctimeNs };
}

/**
 * Same size, mtime and inode: the file was not rewritten between two stats close together (a
 * hash taken in between holds). ctime is left out: renaming a staged output into place moves
 * it, and the hash its thread took before the rename still holds.
 */
export function isSameStat(a: FileStat, b: FileStat): boolean {
  return a.size === b.size && a.mtimeNs === b.mtimeNs && a.inode === b.inode;
}

/**
 * `size:mtimeNs:inode`: compared as text, so checking 10,000 recorded outputs parses nothing. The
 * outputs' stamps of recorded successes are in this form (ctime left out).
 */
export function stampOf(stat: FileStat): string {
  return `${stat.size}:${stat.mtimeNs}:${stat.inode}`;
}

/**
 * The stat of a folder output (directory()), standing for the files in it: the folder's inode,
 * the total size and count of its files, the latest mtime among the folder, its subfolders and
 * files. A file added, removed, renamed or rewritten inside changes it. Undefined when absent.
 */
export function statFolderTree(folder: string): FileStat | undefined {
  const top = statFile(folder);
  if (top === undefined) return undefined;
  let size = 0n;
  let count = 0n;
  let latest = top.mtimeNs;
  let latestChange = top.ctimeNs;
  const walk = (dir: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = `${dir}/${entry.name}`;
      const stat = fs.lstatSync(full, { bigint: true, throwIfNoEntry: false });
      if (stat === undefined) continue;
      count += 1n;
      if (stat.mtimeNs > latest) latest = stat.mtimeNs;
      if (stat.ctimeNs > latestChange) latestChange = stat.ctimeNs;
      if (entry.isDirectory()) walk(full);
      else size += stat.size;
    }
  };
  walk(folder);
  // The count is folded into the size so that one more empty file changes the stamp.
  return { size: size * 1_000_003n + count, mtimeNs: latest, inode: top.inode, ctimeNs: latestChange };
}

/** Stats an output as the task names it: a path ending in `/` is a folder output, stat'ed whole. */
export function statOutputPath(absolute: string, output: string): FileStat | undefined {
  return output.endsWith('/') ? statFolderTree(absolute) : statFile(absolute);
}
