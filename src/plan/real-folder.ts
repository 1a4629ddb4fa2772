// Where a folder is on disk: two names may be one folder through a symlink (`link -> data`),
// which comparing paths as strings does not see.

import fs from 'node:fs';
import path from 'node:path';

/**
 * The folder `dir` with symlinks resolved as far as it exists, the rest as written; remembered in
 * `known` for each folder on the way (10,000 outputs in folders of their own ask each parent once).
 */
export function realFolderOf(dir: string, known: Map<string, string>): string {
  let real = known.get(dir);
  if (real !== undefined) return real;
  let exists = false;
  try {
    exists = fs.statSync(dir, { throwIfNoEntry: false }) !== undefined;
  } catch {
    // A parent that is a file, a folder not ours to read: no symlink of it is followed.
  }
  if (exists) {
    try {
      real = fs.realpathSync.native(dir);
    } catch {
      real = dir;
    }
  } else {
    const parent = path.dirname(dir);
    real = parent === dir ? dir : path.join(realFolderOf(parent, known), path.basename(dir));
  }
  known.set(dir, real);
  return real;
}

/**
 * Where folders named below `base` are on disk when a symlink makes that another place than their
 * name says: a function of a folder's absolute path giving its real path, or undefined when it is
 * where its name says (relative to `base`, itself resolved). Each folder is resolved once.
 */
export function createAliasFinder(base: string): (folder: string) => string | undefined {
  const known = new Map<string, string>();
  const realBase = realFolderOf(base, known);
  const aliases = new Map<string, string | null>();
  return (folder) => {
    let alias = aliases.get(folder);
    if (alias === undefined) {
      const real = realFolderOf(folder, known);
      alias = path.relative(realBase, real) === path.relative(base, folder) ? null : real;
      aliases.set(folder, alias);
    }
    return alias ?? undefined;
  };
}
