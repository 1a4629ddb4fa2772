// For `sluice clean`: without its success a task is 'never run' again, even if its outputs come
// back from a backup.

import type { StateStore } from '../store/open-store.ts';

/** Deletes the recorded successes of every task of the given steps; returns how many there were. */
export function forgetSteps(store: StateStore, steps: readonly string[]): number {
  return store
    .statement(`DELETE FROM task_successes WHERE step IN (SELECT value FROM json_each(?))`)
    .run(JSON.stringify(steps)).changes;
}
