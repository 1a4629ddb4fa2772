// A glob whose wildcards are all in its last segment (`data/*.txt`, `../in/f?.{a,b}`) names one
// folder: one readdir and a test of each name give what tinyglobby gives, without its walker
// (for 10,000 files tinyglobby spends ~100 ms, most of it `path.relative` of each file and
// matching the whole path). Anything else, or any doubt, is left to tinyglobby (undefined).
// Same set and order, as tinyglobby (followSymbolicLinks, onlyFiles) builds it on fdir:
// - a regular file whose name matches is listed; a folder, FIFO, socket or device is not;
// - a symlink is listed when it leads to something other than a folder (its link path, not its
//   target's), and left out when it is broken or leads to a folder;
// - the name is tested by picomatch (the one tinyglobby loads) with tinyglobby's options, on the
//   last segment alone: the folder part is literal and written as tinyglobby writes its results.

import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { isDenied } from './glob-sync.ts';

/** What one folder's listing found for a glob. */
export interface FolderGlobListing {
  /** The matching paths, as tinyglobby writes them (unsorted). */
  readonly files: string[];
  /** Whether the folder holds a symlink (matching or not): its target may change unseen. */
  readonly heldSymlink: boolean;
  /** Whether every match is a regular file as listed (no symlink among them). */
  readonly allPlainFiles: boolean;
  /** Matching symlinks that lead nowhere (left out of `files`, as tinyglobby leaves them). */
  readonly broken: string[];
}

// Characters that make a glob more than a literal (as expand-input-glob.ts's MAGIC).
const MAGIC = /[*?[\]{}()!+@\\]/;

export type Matcher = (name: string) => boolean;
type Picomatch = (glob: string, options: Record<string, boolean>) => Matcher;

let picomatch: Picomatch | undefined;

/** The picomatch tinyglobby itself resolves, so that both match with the same code. */
export function loadPicomatch(): Picomatch {
  if (picomatch === undefined) {
    const require = createRequire(import.meta.url);
    picomatch = createRequire(require.resolve('tinyglobby'))('picomatch') as Picomatch;
  }
  return picomatch;
}

/**
 * The files `glob` matches when it lists a single folder, relative to `cwd` as tinyglobby gives
 * them; undefined when the glob is not one this can answer exactly (tinyglobby does).
 */
export function listGlobFolder(glob: string, cwd: string, dot: boolean): FolderGlobListing | undefined {
  const folder = folderOf(glob, cwd);
  if (folder === undefined) return undefined;
  const name = folder === '' ? glob : glob.slice(folder.length + 1);
  const matches = loadPicomatch()(name, { dot, nobrace: false, nocase: false, noextglob: false, noglobstar: false, posix: true });
  const listed = path.resolve(cwd, folder);
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(listed, { withFileTypes: true });
  } catch (error) {
    // A folder the user may not list is reported, not taken as empty; otherwise, as tinyglobby's
    // walker: nothing matches.
    if (isDenied(error)) throw error;
    return { files: [], heldSymlink: false, allPlainFiles: true, broken: [] };
  }
  const prefix = folder === '' ? '' : `${folder}/`;
  const files: string[] = [];
  const broken: string[] = [];
  let heldSymlink = false;
  let allPlainFiles = true;
  for (const entry of entries) {
    const symlink = entry.isSymbolicLink();
    if (symlink) heldSymlink = true;
    if (!entry.isFile() && !symlink) continue;
    if (!matches(entry.name)) continue;
    if (symlink) {
      allPlainFiles = false;
      let target: fs.Stats | undefined;
      try {
        target = fs.statSync(path.join(listed, entry.name), { throwIfNoEntry: false });
      } catch {
        target = undefined;
      }
      if (target === undefined) broken.push(prefix + entry.name);
      if (target === undefined || target.isDirectory()) continue;
    }
    files.push(prefix + entry.name);
  }
  return { files, heldSymlink, allPlainFiles, broken };
}

// The folder part of a glob whose wildcards are all in its last segment, written exactly as
// tinyglobby writes its results ('' for the working folder); undefined for anything else.
function folderOf(glob: string, cwd: string): string | undefined {
  if (process.platform === 'win32' || path.isAbsolute(glob) || glob.startsWith('!') || glob.includes('**')) return undefined;
  // tinyglobby turns backslashes in the working folder into slashes.
  if (cwd.includes('\\')) return undefined;
  const slash = glob.lastIndexOf('/');
  const folder = slash < 0 ? '' : glob.slice(0, slash);
  const name = glob.slice(slash + 1);
  if (name === '' || !MAGIC.test(name) || MAGIC.test(folder)) return undefined;
  if (folder === '') return folder;
  // `./data`, `data//`, `../here` (from `here`) come back from tinyglobby in another spelling.
  const absoluteCwd = path.resolve(cwd);
  return path.posix.relative(absoluteCwd, path.posix.resolve(absoluteCwd, folder)) === folder ? folder : undefined;
}
