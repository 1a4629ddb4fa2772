import fs from 'node:fs/promises';
import path from 'node:path';
import { TEMP_PREFIX } from '../execute/atomic-outputs.ts';
import type { Task } from '../plan/task.ts';
import type { StateStore } from '../state/open-store.ts';
import { readSuccessStamps } from '../state/read-successes.ts';
import { resolveTaskPath } from '../state/resolve-task-path.ts';
import { stampOf, statFile } from '../state/stat-file.ts';
import { makeTaskKey } from '../state/task-key.ts';

export interface Cleanup {
  /** Staged outputs of recorded successes, moved into place. */
  readonly recovered: number;
  /** Staging folders of attempts that never finished, deleted. */
  readonly removed: number;
}

/**
 * Cleans up after a killed run, while holding the run lock (so every staging folder found
 * belongs to a run that is gone). A task killed between recording its success and renaming its
 * outputs has them moved into place, exactly as recorded; everything else staged is deleted.
 */
export async function removeStaleTemporaries(store: StateStore, tasks: readonly Task[]): Promise<Cleanup> {
  const folders = new Set<string>();
  for (const task of tasks) for (const output of task.outputs) folders.add(path.dirname(resolveTaskPath(task.cwd, output)));
  const staged: string[] = [];
  for (const folder of folders) {
    let names: string[];
    try {
      names = await fs.readdir(folder);
    } catch {
      continue;
    }
    for (const name of names) if (name.startsWith(TEMP_PREFIX)) staged.push(path.join(folder, name));
  }
  if (staged.length === 0) return { recovered: 0, removed: 0 };
  const owners = new Map<string, Task>();
  for (const task of tasks) for (const output of task.outputs) owners.set(resolveTaskPath(task.cwd, output), task);
  const recovered = await recoverRecorded(store, staged, owners);
  for (const folder of staged) await fs.rm(folder, { recursive: true, force: true });
  return { recovered, removed: staged.length };
}

async function recoverRecorded(store: StateStore, staged: readonly string[], owners: ReadonlyMap<string, Task>): Promise<number> {
  const candidates: Array<{ from: string; to: string; task: Task }> = [];
  for (const folder of staged) {
    for (const name of await fs.readdir(folder).catch(() => [] as string[])) {
      const to = path.join(path.dirname(folder), name);
      const task = owners.get(to);
      if (task !== undefined && statFile(to) === undefined) candidates.push({ from: path.join(folder, name), to, task });
    }
  }
  if (candidates.length === 0) return 0;
  const stamps = readSuccessStamps(store, [...new Set(candidates.map(({ task }) => makeTaskKey(task)))]);
  let moved = 0;
  for (const { from, to, task } of candidates) {
    const recorded = stamps.get(makeTaskKey(task))?.outputsStamp.split('|');
    const index = task.outputs.findIndex((output) => path.resolve(task.cwd, output) === to);
    const stat = statFile(from);
    if (recorded === undefined || stat === undefined || recorded[index] !== stampOf(stat)) continue;
    await fs.rename(from, to);
    moved++;
  }
  return moved;
}
