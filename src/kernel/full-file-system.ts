import fs from 'node:fs';
import path from 'node:path';

/**
 * What the file system of `file`'s folder has run out of (statfs): its space, or its inodes (no
 * new file can be made there, though space is left: many small files, `df -i`); undefined when
 * neither, or when the folder is gone. A file system that counts no inodes (btrfs) never runs out.
 */
export function findFullFileSystem(file: string): 'space' | 'inodes' | undefined {
  let stats: fs.StatsFs;
  try {
    stats = fs.statfsSync(path.dirname(file));
  } catch {
    return undefined; // the folder is gone: that says nothing about space
  }
  if (stats.bavail === 0) return 'space';
  return stats.files > 0 && stats.ffree === 0 ? 'inodes' : undefined;
}

/** How a message says that the file system of `file` is full, after "whose file system had". */
export function sayFull(full: 'space' | 'inodes'): string {
  return full === 'space' ? 'no space left' : 'no space left for a new file (no free inodes; `df -i` shows them)';
}
