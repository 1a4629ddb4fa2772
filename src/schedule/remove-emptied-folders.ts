import fs from 'node:fs';
import path from 'node:path';

/**
 * Removes the folders that deleting `files` left empty: each file's folder and those above it,
 * up to (not including) its `root`. rmdir removes only an empty folder, so a folder that holds
 * anything else stays; deeper folders go first, so a parent emptied by its children goes too.
 * Files outside their root leave every folder alone. Returns how many were removed.
 */
export function removeEmptiedFolders(files: Iterable<{ readonly file: string; readonly root: string }>): number {
  const folders = new Set<string>();
  for (const { file, root } of files) {
    for (let folder = path.dirname(file); isInside(folder, root) && !folders.has(folder); folder = path.dirname(folder)) {
      folders.add(folder);
    }
  }
  let removed = 0;
  // A folder's path is longer than its parent's: longest first is children first.
  for (const folder of [...folders].sort((a, b) => b.length - a.length)) {
    try {
      fs.rmdirSync(folder);
      removed++;
    } catch {
      // Not empty (or not a folder, or gone): it stays.
    }
  }
  return removed;
}

function isInside(folder: string, root: string): boolean {
  const relative = path.relative(root, folder);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}
