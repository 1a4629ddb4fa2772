// The lesson's chaos benchmark: the logistic map x ← 3.71·x·(1 − x), iterated `depth` times from a
// start value. Pure arithmetic on one number, so it measures cores and nothing else.

export interface ChaosItem {
  readonly start: number;
  readonly depth: number;
}

/**
 * The value after `depth` steps from `start`. Self-contained (no outside names, no nested
 * functions) because `map` sends it to its worker threads as source text.
 */
export function iterateLogistic(item: ChaosItem): number {
  let x = item.start;
  for (let step = 0; step < item.depth; step++) x = 3.71 * x * (1 - x);
  return x;
}

/**
 * `count` start values spread evenly inside (0, 0.5). The map sends x and 1 − x to the same
 * place, so starts from the other half would only repeat these.
 */
export function spreadStarts(count: number): number[] {
  return Array.from({ length: count }, (_, index) => (index + 1) / (2 * (count + 1)));
}

/**
 * The best speed-up `workers` threads can reach on `values` equal items: the slowest thread
 * runs ceil(values / workers) of them.
 */
export function idealSpeedup(values: number, workers: number): number {
  const used = Math.min(workers, values);
  return values / Math.ceil(values / used);
}
