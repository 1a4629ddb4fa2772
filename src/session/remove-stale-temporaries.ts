import fs from 'node:fs/promises';
import path from 'node:path';
import { TEMP_PREFIX } from '../execute/staging-folders.ts';
import { SHELTER_PREFIX, slurmDirOf } from '../execute/slurm/slurm-paths.ts';
import type { Task } from '../kernel/task.ts';
import type { StateStore } from '../state/store/open-store.ts';
import { readSuccessStamps } from '../state/journal/read-successes.ts';
import { resolveTaskPath } from '../kernel/resolve-task-path.ts';
import { stampOf, statFile } from '../state/hashes/stat-file.ts';
import { makeTaskKey } from '../state/freshness/task-key.ts';

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
  // Indexed loops (see state/hashes/hash-cache.ts); outputs mostly share a few folders, so a task
  // whose first output is in the same folder as the last one's adds nothing new.
  let lastCwd = '';
  let lastPrefix = '';
  for (let i = 0; i < tasks.length; i += 1) {
    const task = tasks[i] as Task;
    for (let j = 0; j < task.outputs.length; j += 1) {
      const output = task.outputs[j] as string;
      // The output's folder as written, with its slash: `out/` for `out/a.txt`, `` for `a.txt`.
      const prefixLength = output.lastIndexOf('/') + 1;
      const plain = isPlainName(output, prefixLength);
      if (plain && task.cwd === lastCwd && prefixLength === lastPrefix.length && output.startsWith(lastPrefix)) continue;
      folders.add(path.dirname(resolveTaskPath(task.cwd, output)));
      if (plain) {
        lastCwd = task.cwd;
        lastPrefix = output.slice(0, prefixLength);
      }
    }
  }
  const staged: string[] = [];
  const sheltered: string[] = [];
  for (const folder of folders) {
    let names: string[];
    try {
      names = await fs.readdir(folder);
    } catch {
      continue;
    }
    for (const name of names) {
      if (name.startsWith(TEMP_PREFIX)) staged.push(path.join(folder, name));
      else if (name.startsWith(SHELTER_PREFIX)) sheltered.push(path.join(folder, name));
    }
  }
  const shelters = await removeEndedShelters(store.root, sheltered);
  if (staged.length === 0) return { recovered: 0, removed: shelters };
  const owners = new Map<string, Task>();
  for (const task of tasks) for (const output of task.outputs) owners.set(resolveTaskPath(task.cwd, output), task);
  const recovered = await recoverRecorded(store, staged, owners);
  for (const folder of staged) await fs.rm(folder, { recursive: true, force: true });
  return { recovered, removed: staged.length + shelters };
}

// The folders a Slurm job's sluice stages in (`.sluice-slurm-<run>-<task>/`, shelter-outputs.ts)
// are left behind when that sluice is killed hard (the node's OOM killer, SIGKILL): removed here,
// but for those of runs with jobs the ledger does not know ended yet (a restarted Slurm run picks
// those jobs up, and they finish in their folders). They never hold a recorded success's output:
// the node moves outputs out before it writes the marker that records one.
async function removeEndedShelters(root: string, sheltered: readonly string[]): Promise<number> {
  if (sheltered.length === 0) return 0;
  // The ledger's reader loads only where a killed Slurm job left a folder, not on every run.
  const { openJobLedger } = await import('../execute/slurm/job-ledger.ts');
  const live = [...openJobLedger(path.join(slurmDirOf(root), 'jobs.jsonl')).live.values()].map((entry) => `${SHELTER_PREFIX}${entry.runId}-`);
  let removed = 0;
  for (const folder of sheltered) {
    const name = path.basename(folder);
    if (live.some((prefix) => name.startsWith(prefix))) continue;
    await fs.rm(folder, { recursive: true, force: true });
    removed++;
  }
  return removed;
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

// The last segment, from `start`, is a file name (not empty, `.` or `..`): the folder of such a
// path is the same for every name.
function isPlainName(output: string, start: number): boolean {
  const length = output.length - start;
  if (length === 0) return false;
  if (output.charCodeAt(start) !== 0x2e) return true;
  return !(length === 1 || (length === 2 && output.charCodeAt(start + 1) === 0x2e));
}
