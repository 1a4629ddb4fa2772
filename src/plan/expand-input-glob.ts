// `sluice map --in GLOB`, expanded with a note of what the listing depended on, as a pipeline's
// patterns are (list-pattern-files.ts): a glob whose wildcards are all in its last segment lists
// one folder, and while that folder's stamp stays the same the same files come back. The no-op
// short cut (state/freshness/up-to-date-snapshot.ts) then confirms the inputs without listing.

import fs from 'node:fs';
import path from 'node:path';
import { matchGlob, type GlobMatches } from './expand-glob.ts';
import type { ListingLog } from './list-pattern-files.ts';
import { ABSENT } from '../state/freshness/up-to-date-snapshot.ts';
import { statFile } from '../state/hashes/stat-file.ts';
import { fullStampOf } from '../state/freshness/check-stamps.ts';

// Anything that may make a glob more than a literal: wildcards, classes, braces, extglobs, escapes.
const MAGIC = /[*?[\]{}()!+@\\]/;

/** The files `glob` matches (sorted, as expandGlob); `log` learns the folder it listed. */
export function expandInputGlob(glob: string, options: InputGlobOptions): string[] {
  return listInputGlob(glob, options).files;
}

export interface InputGlobOptions {
  readonly cwd: string;
  readonly dot: boolean;
  readonly log: ListingLog;
}

/** expandInputGlob, with what the listing learned of the matches (all regular files?). */
export function listInputGlob(glob: string, options: InputGlobOptions): GlobMatches {
  const folder = listedFolderOf(glob);
  const absolute = folder === undefined ? undefined : path.resolve(options.cwd, folder);
  // Stamped before it is listed: a change while listing shows as a changed stamp next time.
  if (absolute !== undefined && !options.log.folders.has(absolute)) {
    const stat = statFile(absolute);
    options.log.folders.set(absolute, stat === undefined ? ABSENT : fullStampOf(stat));
  }
  const found = matchGlob(glob, { cwd: options.cwd, dot: options.dot, label: '`--in`' });
  // A symlink's target may change without its folder's stamp: such a listing is not vouched for.
  if (absolute === undefined || (found.heldSymlink ?? holdsSymlink(absolute))) options.log.exact = false;
  return found;
}

/** The one folder a glob lists, or undefined when it lists more (a wildcard before its last `/`, `**`). */
export function listedFolderOf(glob: string): string | undefined {
  if (glob.includes('**')) return undefined;
  const slash = glob.lastIndexOf('/');
  const magic = glob.search(MAGIC);
  if (magic >= 0 && magic < slash) return undefined;
  if (slash < 0) return '.';
  return slash === 0 ? '/' : glob.slice(0, slash);
}

function holdsSymlink(folder: string): boolean {
  try {
    return fs.readdirSync(folder, { withFileTypes: true }).some((entry) => entry.isSymbolicLink());
  } catch {
    return true;
  }
}
