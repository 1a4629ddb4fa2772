// Messages between `map` and its threads.
import { locateModule } from '../kernel/locate-code.ts';
import type { ThrownValue } from './thrown-value.ts';

export interface MapChunk {
  /** The function's source text; each thread compiles it once. */
  readonly source: string;
  readonly items: readonly unknown[];
  /** Index of the chunk's first item in the whole input. */
  readonly offset: number;
}

export type MapChunkAnswer =
  | { readonly ok: true; readonly results: unknown[]; readonly elapsedMs: number }
  /** `index` is absent when the function itself could not be evaluated. */
  | { readonly ok: false; readonly index?: number | undefined; readonly error: ThrownValue; readonly elapsedMs: number };

export const MAP_WORKER = locateModule('pool/map-worker');
