import os from 'node:os';
import { PlanError } from '../errors.ts';
import { MAP_WORKER, type MapChunk, type MapChunkAnswer } from './map-protocol.ts';
import { runMap } from './run-map.ts';
import { createWorkerPool } from './worker-pool.ts';

export interface PoolOptions {
  /** Worker threads; default `os.availableParallelism()`. */
  readonly threads?: number | undefined;
}

export interface MapOptions {
  /** Aborting terminates the threads running this map's items and rejects with a PoolAbortError. */
  readonly signal?: AbortSignal | undefined;
}

/** Items travel to threads, and results back, by structured clone. */
export type MapFunction<T, R> = (item: T, index: number) => R | Promise<R>;

export interface Pool {
  readonly threads: number;
  /**
   * Runs `fn(item, index)` for every item on the pool's threads; resolves with the results in
   * input order, or rejects with a MapItemError naming the first item that failed.
   *
   * `fn` travels as its source text and is evaluated on each thread, so it must be
   * self-contained: it cannot use variables, imports or functions from outside its own body
   * (pass data through the items; `await import('node:fs')` or a package name inside it).
   */
  map<T, R>(items: Iterable<T>, fn: MapFunction<T, R>, options?: MapOptions): Promise<Awaited<R>[]>;
  /** Terminates the threads; running maps reject. */
  close(): Promise<void>;
}

/** Work per message `map` aims for: enough to make the ~20–50 µs round trip negligible. */
const TARGET_CHUNK_MS = 2;

/** A fixed-size pool of worker threads for `map`. Idle threads do not keep the process alive. */
export function createPool(options: PoolOptions = {}): Pool {
  const threads = options.threads ?? os.availableParallelism();
  if (!Number.isInteger(threads) || threads < 1) {
    throw new PlanError(`Expected \`threads\` to be a positive integer, got \`${String(threads)}\``);
  }
  const pool = createWorkerPool<MapChunk, MapChunkAnswer>({ size: threads, entry: MAP_WORKER });
  return {
    threads,
    async map<T, R>(items: Iterable<T>, fn: MapFunction<T, R>, mapOptions: MapOptions = {}): Promise<Awaited<R>[]> {
      if (typeof fn !== 'function') throw new PlanError(`Expected \`fn\` to be a function, got \`${typeof fn}\``);
      const list = Array.isArray(items) ? (items as T[]) : [...items];
      const results = await runMap({ pool, items: list, source: fn.toString(), signal: mapOptions.signal, targetMs: TARGET_CHUNK_MS });
      return results as Awaited<R>[];
    },
    close: () => pool.close(),
  };
}
