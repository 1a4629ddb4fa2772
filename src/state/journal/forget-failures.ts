// For `sluice clean`: a cleaned step starts afresh, so `sluice status` no longer calls its tasks
// failed for attempts made before the clean. Its successful attempts stay in the run history.

import type { StateStore } from '../store/open-store.ts';

/** Deletes the attempts of the given steps that did not succeed; returns how many there were. */
export function forgetFailures(store: StateStore, steps: readonly string[]): number {
  return store
    .statement(`DELETE FROM task_attempts WHERE state != 'succeeded' AND step IN (SELECT value FROM json_each(?))`)
    .run(JSON.stringify(steps)).changes;
}
