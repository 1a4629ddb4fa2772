import path from 'node:path';
import { globSync } from './glob-sync.ts';
import { listGlobFolder } from './list-glob-folder.ts';
import { PlanError } from '../errors.ts';

export interface GlobOptions {
  readonly cwd: string;
  /** Let `*` and `**` match names that start with a dot. */
  readonly dot?: boolean;
  /** Where the glob came from, for errors, e.g. "`--in`". */
  readonly label?: string;
}

/** The files a glob matches (sorted), and what the listing of its one folder saw, if it listed one. */
export interface GlobMatches {
  readonly files: string[];
  /** Listed from one folder (list-glob-folder.ts): whether it held a symlink; undefined when walked. */
  readonly heldSymlink?: boolean;
  /** Whether every match is known to be a regular file (listed as one, no symlink). */
  readonly allPlainFiles: boolean;
}

/**
 * Files matching one glob, sorted by path so every run sees the same order. Relative globs give
 * relative paths, absolute globs absolute ones. No match is a PlanError naming the glob.
 */
export function expandGlob(pattern: string, options: GlobOptions): string[] {
  return matchGlob(pattern, options).files;
}

/** expandGlob, with what the listing learned of the matches. */
export function matchGlob(pattern: string, options: GlobOptions): GlobMatches {
  const dot = options.dot ?? false;
  const folder = listGlobFolder(pattern, options.cwd, dot);
  const matches =
    folder?.files ??
    globSync(pattern, {
      cwd: options.cwd,
      dot,
      absolute: path.isAbsolute(pattern),
      onlyFiles: true,
      expandDirectories: false,
      followSymbolicLinks: true,
    });
  if (matches.length === 0) {
    throw new PlanError(
      `No file matches glob \`${pattern}\`${options.label === undefined ? '' : ` from ${options.label}`} (relative to ${options.cwd})${describeFolderMatches(pattern, options)}`,
    );
  }
  // The default sort compares UTF-16 code units: the same order on every machine and locale.
  const files = matches.sort();
  if (folder === undefined) return { files, allPlainFiles: false };
  return { files, heldSymlink: folder.heldSymlink, allPlainFiles: folder.allPlainFiles };
}

// When a glob matches only folders (`--in data`), say so: inputs are files.
function describeFolderMatches(pattern: string, options: GlobOptions): string {
  const folders = globSync(pattern, { cwd: options.cwd, dot: options.dot ?? false, absolute: path.isAbsolute(pattern), onlyFiles: false, expandDirectories: false });
  if (folders.length === 0) return '';
  const first = (folders.sort()[0] as string).replace(/\/$/, '');
  return `: only folders match (\`${first}\`${folders.length > 1 ? ` and ${folders.length - 1} more` : ''}), and inputs are files; \`${first}/*\` names the files in it`;
}
