import { SluiceError } from '../errors.ts';
import { chooseChunkSize } from './choose-chunk-size.ts';
import type { MapChunk, MapChunkAnswer } from './map-protocol.ts';
import { MapItemError } from './pool-errors.ts';
import { reviveThrown } from './thrown-value.ts';
import type { WorkerPool } from './worker-pool.ts';

export interface RunMapInput {
  readonly pool: WorkerPool<MapChunk, MapChunkAnswer>;
  readonly items: readonly unknown[];
  readonly source: string;
  readonly signal?: AbortSignal | undefined;
  /** Work per message to aim for (see choose-chunk-size.ts). */
  readonly targetMs: number;
}

/**
 * Sends the items in chunks, one chunk in flight per thread, and resolves with the results in
 * input order. Rejects with the first failure; chunks already sent then finish unobserved.
 */
export function runMap({ pool, items, source, signal, targetMs }: RunMapInput): Promise<unknown[]> {
  const results = new Array<unknown>(items.length);
  if (items.length === 0) return Promise.resolve(results);
  return new Promise((resolve, reject) => {
    let next = 0;
    let inFlight = 0;
    let measuredItems = 0;
    let measuredMs = 0;
    let failed = false;

    const fail = (error: unknown): void => {
      if (failed) return;
      failed = true;
      reject(error);
    };

    const send = (): void => {
      while (!failed && next < items.length && inFlight < pool.size) {
        const size = chooseChunkSize({ remaining: items.length - next, threads: pool.size, measuredItems, measuredMs, targetMs });
        const offset = next;
        next += size;
        inFlight++;
        pool.run({ source, items: items.slice(offset, offset + size), offset }, { signal }).then(
          (answer) => received(answer, offset, size),
          fail,
        );
      }
      if (!failed && inFlight === 0 && next >= items.length) resolve(results);
    };

    const received = (answer: MapChunkAnswer, offset: number, size: number): void => {
      inFlight--;
      if (!answer.ok) {
        const cause = reviveThrown(answer.error);
        if (answer.index === undefined) fail(new SluiceError(`${cause.message} (map, items ${offset} to ${offset + size - 1})`, { cause }));
        else fail(new MapItemError(items[answer.index], answer.index, answer.error.notAnError === true ? answer.error.message : cause));
        return;
      }
      for (let at = 0; at < answer.results.length; at++) results[offset + at] = answer.results[at];
      measuredItems += size;
      measuredMs += answer.elapsedMs;
      send();
    };

    send();
  });
}
