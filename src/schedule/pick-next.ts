import type { Task } from '../kernel/task.ts';

/**
 * Chooses which ready task starts next: the index into `ready` (from `start`), or -1 to wait.
 * A strategy, so a test or another executor can plug in its own.
 */
export type PickNext = (
  ready: readonly Task[],
  start: number,
  freeSlots: number,
  slotsOf: (task: Task) => number,
) => number;

const LOOKAHEAD = 1024;

/** First ready task that fits the free slots, in plan order (backfilling past big tasks). */
export const pickFirstFit: PickNext = (ready, start, freeSlots, slotsOf) => {
  const end = Math.min(ready.length, start + LOOKAHEAD);
  for (let index = start; index < end; index++) {
    if (slotsOf(ready[index] as Task) <= freeSlots) return index;
  }
  return -1;
};
