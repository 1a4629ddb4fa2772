// tinyglobby, loaded on first use. With picomatch and fdir it costs ~70 M instructions to load
// (~15 ms of a cold start), and most runs glob nothing: a pattern with wildcards in its last
// segment only takes a readdir. Its CommonJS build loads synchronously, as planning is.

import { createRequire } from 'node:module';

type Tinyglobby = typeof import('tinyglobby');

let loaded: Tinyglobby | undefined;

function tinyglobby(): Tinyglobby {
  loaded ??= createRequire(import.meta.url)('tinyglobby') as Tinyglobby;
  return loaded;
}

/**
 * The tinyglobby options sluice uses, declared here: the published types then never reach
 * tinyglobby's (whose fdir types import untyped picomatch, an error under `strict` without
 * `skipLibCheck` in a user's own type check).
 */
export interface GlobSyncOptions {
  readonly cwd?: string;
  readonly absolute?: boolean;
  readonly dot?: boolean;
  readonly onlyDirectories?: boolean;
  readonly onlyFiles?: boolean;
  readonly expandDirectories?: boolean;
  readonly followSymbolicLinks?: boolean;
  readonly ignore?: string[];
  readonly caseSensitiveMatch?: boolean;
  /** Replaces functions of `node:fs` the walk calls. */
  readonly fs?: {
    readonly realpathSync?: (file: string) => string;
    readonly statSync?: (file: string) => import('node:fs').Stats;
    readonly readdirSync?: (folder: string, options: { withFileTypes: true }) => import('node:fs').Dirent[];
  };
}

export function globSync(pattern: string, options: GlobSyncOptions): string[] {
  // `fs.realpathSync` without its `.native`: fdir's walker calls only the function itself.
  return tinyglobby().globSync(pattern, options as Omit<import('tinyglobby').GlobOptions, 'patterns'>);
}

export function escapePath(path: string): string {
  return tinyglobby().escapePath(path);
}

/** A folder the user may not list (EACCES, EPERM): reported (classify-fault.ts), never skipped. */
export function isDenied(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EACCES' || code === 'EPERM';
}
