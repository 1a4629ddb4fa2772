// tinyglobby, loaded on first use. With picomatch and fdir it costs ~70 M instructions to load
// (~15 ms of a cold start), and most runs glob nothing: a pattern with wildcards in its last
// segment only takes a readdir. Its CommonJS build loads synchronously, as planning is.

import { createRequire } from 'node:module';
import type { GlobOptions } from 'tinyglobby';

type Tinyglobby = typeof import('tinyglobby');

let loaded: Tinyglobby | undefined;

function tinyglobby(): Tinyglobby {
  loaded ??= createRequire(import.meta.url)('tinyglobby') as Tinyglobby;
  return loaded;
}

export function globSync(pattern: string, options: GlobOptions): string[] {
  return tinyglobby().globSync(pattern, options);
}

export function escapePath(path: string): string {
  return tinyglobby().escapePath(path);
}
