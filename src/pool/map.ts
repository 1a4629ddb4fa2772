// The lesson's `Pool.map` without the pool: `await map(files, countLines)` on every core.
import os from 'node:os';
import { createPool, type MapFunction, type MapOptions, type Pool } from './create-pool.ts';

export interface MapCallOptions extends MapOptions {
  /** Worker threads; default `os.availableParallelism()`. */
  readonly threads?: number | undefined;
}

// One pool per thread count, kept for the next call; its idle threads do not hold the process.
const shared = new Map<number, Pool>();

/**
 * Runs `fn(item, index)` (sync or async) for each item on worker threads; resolves with the
 * results in input order, or rejects with a MapItemError naming the first item that failed.
 * `fn` must be self-contained (see Pool.map): it is sent as source text, not as a closure.
 */
export async function map<T, R>(items: Iterable<T>, fn: MapFunction<T, R>, options: MapCallOptions = {}): Promise<Awaited<R>[]> {
  const threads = options.threads ?? os.availableParallelism();
  let pool = shared.get(threads);
  if (pool === undefined) {
    pool = createPool({ threads });
    shared.set(threads, pool);
  }
  return pool.map(items, fn, { signal: options.signal });
}
