import fs from 'node:fs';
import path from 'node:path';
import type { Task } from '../plan/task.ts';
import { recordDeletedTemporaries } from '../state/deleted-temporaries.ts';
import type { HashCache } from '../state/hash-cache.ts';
import type { StateStore } from '../state/open-store.ts';
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
      const consumers = new Map<number, number[]>();
      for (const [id, needs] of dependencies) for (const need of needs) addTo(consumers, need, id);
      const doomed = tasks
        .filter((task) => task.temporary === true && done.has(task.id))
        .filter((task) => {
          const readers = consumers.get(task.id) ?? [];
          return readers.length > 0 && readers.every((reader) => done.has(reader));
        })
        .flatMap((task) => task.outputs.map((output) => path.resolve(task.cwd, output)))
        .filter((file) => fs.existsSync(file));
      if (doomed.length === 0) return 0;
      const hashes = await cache.hashFiles(doomed);
      const known = new Map([...hashes].filter((entry): entry is [string, string] => entry[1] !== undefined));
      // Recorded first: a crash in between leaves a file that is merely still there.
      recordDeletedTemporaries(store, known);
      for (const file of known.keys()) fs.rmSync(file, { force: true });
      return known.size;
    },
  };
}

// A push, not a copy per consumer: a task read by 10,000 others would cost 50 M copies.
function addTo(consumers: Map<number, number[]>, need: number, id: number): void {
  const list = consumers.get(need);
  if (list === undefined) consumers.set(need, [id]);
  else list.push(id);
}
