import fs from 'node:fs';
import path from 'node:path';
import { invertDependencies } from '../kernel/invert-dependencies.ts';
import type { Task } from '../kernel/task.ts';
import { recordDeletedTemporaries } from '../state/journal/deleted-temporaries.ts';
import type { HashCache } from '../state/hashes/hash-cache.ts';
import type { StateStore } from '../state/store/open-store.ts';
import { removeEmptiedFolders } from './remove-emptied-folders.ts';
import type { RunListener } from './run-events.ts';

export interface TemporaryJanitor extends RunListener {
  /** Deletes the temporaries whose consumers all succeeded or were up to date; returns how many. */
  sweep(): Promise<number>;
}

/**
 * Watches a run and, at its end, deletes the outputs of temporary steps once every task that
 * reads them is done, remembering their content hash so that their absence re-runs nothing.
 */
export function createTemporaryJanitor(
  store: StateStore,
  cache: HashCache,
  tasks: readonly Task[],
  dependencies: ReadonlyMap<number, readonly number[]>,
  /** Tasks the run's targets name: what the user asked for stays. */
  targets?: ReadonlySet<number>,
): TemporaryJanitor {
  // Without temporary steps there is nothing to watch: no set of 10,000 done tasks to keep.
  if (!tasks.some((task) => task.temporary === true)) return { sweep: async () => 0 };
  const done = new Set<number>();
  return {
    onTaskUpToDate(task) {
      done.add(task.id);
    },
    onTaskEnded(task, _attempt, outcome, final) {
      if (final && outcome.status === 'succeeded') done.add(task.id);
    },
    async sweep() {
      const consumers = invertDependencies(dependencies);
      // Each file with the folder it belongs under: the pipeline's, which stays.
      const roots = new Map<string, string>();
      for (const task of tasks) {
        if (task.temporary !== true || task.readersLeftOut === true || !done.has(task.id) || targets?.has(task.id) === true) continue;
        const readers = consumers.get(task.id) ?? [];
        if (readers.length === 0 || !readers.every((reader) => done.has(reader))) continue;
        for (const output of task.outputs) {
          const file = path.resolve(task.cwd, output);
          if (fs.existsSync(file)) roots.set(file, task.cwd);
        }
      }
      if (roots.size === 0) return 0;
      const hashes = await cache.hashFiles([...roots.keys()]);
      const known = new Map([...hashes].filter((entry): entry is [string, string] => entry[1] !== undefined));
      // Recorded first: a crash in between leaves a file that is merely still there.
      recordDeletedTemporaries(store, known);
      for (const file of known.keys()) fs.rmSync(file, { force: true });
      removeEmptiedFolders([...known.keys()].map((file) => ({ file, root: roots.get(file) as string })));
      return known.size;
    },
  };
}
