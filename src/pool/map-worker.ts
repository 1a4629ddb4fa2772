// Thread side of `map`: runs a chunk of items through the function, stopping at the first failure.
import { performance } from 'node:perf_hooks';
import { compileFunction, type ItemFunction } from './compile-function.ts';
import type { MapChunk, MapChunkAnswer } from './map-protocol.ts';
import { serveJobs } from './serve-jobs.ts';
import { describeThrown } from './thrown-value.ts';

const compiled = new Map<string, ItemFunction>();

async function runChunk(chunk: MapChunk): Promise<MapChunkAnswer> {
  let fn = compiled.get(chunk.source);
  if (fn === undefined) {
    try {
      fn = compileFunction(chunk.source);
    } catch (error) {
      return { ok: false, error: describeThrown(error), elapsedMs: 0 };
    }
    compiled.set(chunk.source, fn);
  }
  const started = performance.now();
  const results = new Array<unknown>(chunk.items.length);
  let at = 0;
  try {
    for (; at < chunk.items.length; at++) {
      let value = fn(chunk.items[at], chunk.offset + at);
      if (isThenable(value)) value = await value;
      results[at] = value;
    }
  } catch (error) {
    return { ok: false, index: chunk.offset + at, error: describeThrown(error), elapsedMs: performance.now() - started };
  }
  return { ok: true, results, elapsedMs: performance.now() - started };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

serveJobs<MapChunk, MapChunkAnswer>(runChunk, (error) => ({ ok: false, error: describeThrown(error), elapsedMs: 0 }));
