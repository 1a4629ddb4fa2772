import fs from 'node:fs/promises';
import path from 'node:path';
import { TEMP_PREFIX } from '../execute/atomic-outputs.ts';
import type { Task } from '../plan/task.ts';

/**
 * Deletes staging folders that a killed run left beside the outputs. Called while holding the
 * run lock, so every one found belongs to a run that is gone.
 */
export async function removeStaleTemporaries(tasks: readonly Task[]): Promise<number> {
  const folders = new Set<string>();
  for (const task of tasks) for (const output of task.outputs) folders.add(path.dirname(path.resolve(task.cwd, output)));
  let removed = 0;
  for (const folder of folders) {
    let names: string[];
    try {
      names = await fs.readdir(folder);
    } catch {
      continue;
    }
    for (const name of names) {
      if (!name.startsWith(TEMP_PREFIX)) continue;
      await fs.rm(path.join(folder, name), { recursive: true, force: true });
      removed++;
    }
  }
  return removed;
}
