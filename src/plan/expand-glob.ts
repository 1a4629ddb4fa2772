import fs from 'node:fs';
import path from 'node:path';
import { brokenLinkMessage, describeBrokenLink } from './describe-broken-link.ts';
import { globSync, isDenied } from './glob-sync.ts';
import { listGlobFolder } from './list-glob-folder.ts';
import { refuseUndecodableName } from './refuse-undecodable-name.ts';
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
  const found = listGlobMatches(pattern, options.cwd, dot);
  const { files: matches, broken } = found;
  if (broken.length > 0) {
    const first = [...broken].sort()[0] as string;
    const kind = describeBrokenLink(path.resolve(options.cwd, first)) ?? 'a symbolic link that leads nowhere';
    const where = `(matched by glob \`${pattern}\`${options.label === undefined ? '' : ` from ${options.label}`}${broken.length > 1 ? `, with ${broken.length - 1} more such link${broken.length > 2 ? 's' : ''}` : ''})`;
    throw new PlanError(brokenLinkMessage(first, where, kind, ', or name the files you mean with a narrower glob'));
  }
  if (matches.length === 0) {
    throw new PlanError(
      `No file matches glob \`${pattern}\`${options.label === undefined ? '' : ` from ${options.label}`} (relative to ${options.cwd})${describeFolderMatches(pattern, options)}`,
    );
  }
  const where = `matched by glob \`${pattern}\`${options.label === undefined ? '' : ` from ${options.label}`}`;
  for (let i = 0; i < matches.length; i += 1) refuseUndecodableName(matches[i] as string, options.cwd, where);
  // The default sort compares UTF-16 code units: the same order on every machine and locale.
  const files = matches.sort();
  return { files, heldSymlink: found.heldSymlink, allPlainFiles: found.allPlainFiles };
}

/** What a glob matches (unsorted), as tinyglobby gives it, and the matching symlinks that lead nowhere, which it leaves out. */
export function listGlobMatches(pattern: string, cwd: string, dot: boolean): GlobMatches & { readonly broken: readonly string[] } {
  return listGlobFolder(pattern, cwd, dot) ?? { ...walkGlob(pattern, cwd, dot), allPlainFiles: false };
}

// The files a glob matches, by tinyglobby's walk. tinyglobby leaves out a symlink it cannot
// resolve, unseen: here the walk takes one as a file (its own stat), so that the glob's matching
// says whether it matches; those that do are `broken`, and refused.
function walkGlob(pattern: string, cwd: string, dot: boolean): { files: string[]; broken: string[] } {
  const unresolved = new Set<string>();
  let unreadable: unknown;
  const lenient = {
    realpathSync(file: string): string {
      try {
        return fs.realpathSync(file);
      } catch (error) {
        if (fs.lstatSync(file, { throwIfNoEntry: false })?.isSymbolicLink() !== true) throw error;
        unresolved.add(path.resolve(file));
        return file;
      }
    },
    statSync: (file: string): fs.Stats => (unresolved.has(path.resolve(file)) ? fs.lstatSync(file) : fs.statSync(file)),
    // The walk skips a folder it may not read, unseen: its files would be left out of the run.
    readdirSync: (folder: string, options: { withFileTypes: true }): fs.Dirent[] => {
      try {
        return fs.readdirSync(folder, options);
      } catch (error) {
        unreadable ??= error;
        throw error;
      }
    },
  };
  const options = { cwd, dot, absolute: path.isAbsolute(pattern), onlyFiles: true, expandDirectories: false, followSymbolicLinks: true, fs: lenient };
  const found = globSync(pattern, options);
  if (unreadable !== undefined && isDenied(unreadable)) throw unreadable;
  if (unresolved.size === 0) return { files: found, broken: [] };
  const broken = found.filter((match) => unresolved.has(path.resolve(cwd, match)));
  return { files: found.filter((match) => !unresolved.has(path.resolve(cwd, match))), broken };
}

// When a glob matches only folders (`--in data`), say so: inputs are files. A symlink to a
// folder counts as one (`--in data-link`): tinyglobby never lists it, as a folder or a file.
function describeFolderMatches(pattern: string, options: GlobOptions): string {
  const walk = { cwd: options.cwd, dot: options.dot ?? false, absolute: path.isAbsolute(pattern), expandDirectories: false };
  const folders = globSync(pattern, { ...walk, onlyFiles: false });
  // Links to folders, shown to the walk as files (so it never enters them: no link loop) and
  // every other file hidden; folders are listed as they are, for globs that descend.
  const asFile = (entry: fs.Dirent): fs.Dirent =>
    Object.assign(Object.create(entry) as fs.Dirent, { isFile: () => true, isSymbolicLink: () => false, isDirectory: () => false });
  const readdirSync = (folder: string, readOptions: { withFileTypes: true }): fs.Dirent[] =>
    fs.readdirSync(folder, readOptions).flatMap((entry) => {
      if (entry.isDirectory()) return [entry];
      if (!entry.isSymbolicLink()) return [];
      return fs.statSync(path.join(folder, entry.name), { throwIfNoEntry: false })?.isDirectory() === true ? [asFile(entry)] : [];
    });
  let linked: string[] = [];
  try {
    linked = globSync(pattern, { ...walk, onlyFiles: true, followSymbolicLinks: false, fs: { readdirSync } });
  } catch {
    // Only a hint: a folder it may not list leaves it out.
  }
  const all = [...folders.map((folder) => folder.replace(/\/$/, '')), ...linked].sort();
  if (all.length === 0) return '';
  const first = all[0] as string;
  return `: only folders match (\`${first}\`${all.length > 1 ? ` and ${all.length - 1} more` : ''}), and inputs are files; \`${first}/*\` names the files in it`;
}
