// The staging folders of one run, reused: a folder an attempt gave back empty is taken by the
// next attempt that stages outputs in the same folder (see atomic-outputs.ts for why).

import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';

export const TEMP_PREFIX = '.sluice-tmp-';

export interface StagingFolders {
  /** Makes an output folder (and its parents) once per run. */
  makeFolder(folder: string): void;
  /** A staging folder inside `dir` that no attempt holds: a free one, or a new one. */
  take(dir: string): string;
  /** Back to the pool when empty (a command may leave other files beside its output); else removed. */
  giveBack(folder: string): Promise<void>;
  /** The caller removes this folder itself: no longer this pool's to remove. */
  forget(folder: string): void;
  /** Removes every staging folder made and not yet removed. Idempotent. */
  removeAll(): Promise<void>;
}

/** `tag` keeps this run's folders apart from another's (e.g. the run id). */
export function createStagingFolders(tag: string): StagingFolders {
  // Output folder → its staging folders that no attempt holds.
  const free = new Map<string, string[]>();
  const made = new Set<string>();
  // Output folders known to exist: made or found by this run.
  const present = new Set<string>();
  let count = 0;

  const makeFolder = (folder: string): void => {
    if (present.has(folder)) return;
    fsSync.mkdirSync(folder, { recursive: true });
    present.add(folder);
  };

  return {
    makeFolder,
    take(dir) {
      const reused = free.get(dir)?.pop();
      if (reused !== undefined) return reused;
      count += 1;
      const folder = path.join(dir, `${TEMP_PREFIX}${tag}-${count}`);
      makeFolder(dir);
      fsSync.mkdirSync(folder);
      made.add(folder);
      return folder;
    },
    async giveBack(folder) {
      let left: string[] | undefined;
      try {
        left = fsSync.readdirSync(folder);
      } catch {
        left = undefined;
      }
      if (left !== undefined && left.length === 0) {
        const dir = path.dirname(folder);
        const list = free.get(dir);
        if (list === undefined) free.set(dir, [folder]);
        else list.push(folder);
        return;
      }
      made.delete(folder);
      await fs.rm(folder, { recursive: true, force: true });
    },
    forget(folder) {
      made.delete(folder);
    },
    async removeAll() {
      const folders = [...made];
      made.clear();
      free.clear();
      await Promise.all(folders.map((folder) => fs.rm(folder, { recursive: true, force: true })));
    },
  };
}
