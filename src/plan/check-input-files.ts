import fs from 'node:fs';
import path from 'node:path';
import { PlanError } from '../errors.ts';
import { describeSpecialFile } from '../state/hashes/describe-special-file.ts';
import { resolveTaskPath } from '../kernel/resolve-task-path.ts';

/**
 * What an input path holds for planning: `missing`, `file` (a regular file, /dev/null), `folder`,
 * or why it is refused (`a FIFO`, `a socket`, `a character device`, `a block device`).
 */
export function inspectInput(cwd: string, input: string): 'missing' | 'file' | 'folder' | { readonly special: string } {
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(path.resolve(cwd, input), { throwIfNoEntry: false });
  } catch (error) {
    // A file on the way, a symlink loop (describe-broken-link.ts names it), or a name longer than
    // a path may be (a `--in -` line that is an argument, not a file): nothing there.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR' || code === 'ELOOP' || code === 'ENAMETOOLONG') return 'missing';
    throw error;
  }
  if (stat === undefined) return 'missing';
  if (stat.isDirectory()) return 'folder';
  const special = describeSpecialFile(stat);
  return special === undefined ? 'file' : { special };
}

/**
 * Refuses FIFOs, sockets and devices among inputs, and folders when the inputs are hashed (tasks
 * with outputs); `where` says whose inputs, e.g. "of `sluice map` (from `:::`)".
 */
export function checkInputFiles(inputs: readonly string[], cwd: string, where: string, options: { readonly hashed?: boolean } = {}): void {
  const here = path.resolve(cwd);
  const listed = listCommonFolders(inputs, here);
  for (let i = 0; i < inputs.length; i += 1) {
    const input = inputs[i] as string;
    // `''` (two NULs in a row on `--in -`, `::: ''`) would be read as the folder it runs in.
    if (input === '' && options.hashed === true) throw new PlanError(`Expected input ${i + 1} ${where} to be a file name, got an empty one`);
    const found = (listed === undefined ? undefined : inspectListed(listed, here, input)) ?? inspectInput(cwd, input);
    if (typeof found === 'object') throw new PlanError(specialInputMessage(input, where, found.special));
    if (found === 'folder' && options.hashed === true) {
      throw new PlanError(folderInputMessage(input, where, `\`--in '${input.replace(/\/$/, '')}/*'\``));
    }
  }
}

// A folder holding at least this many inputs is read once instead of each input stat'ed.
const LIST_FROM = 32;

interface Listing {
  readonly types: ReadonlyMap<string, fs.Dirent>;
  /** Names lower-cased: a name absent in another case is stat'ed (a case-insensitive file system). */
  readonly folded: ReadonlySet<string>;
}

// The folders that hold many inputs, each listed once with the type of each entry (one getdents
// for thousands of inputs instead of one stat each). Linux only: elsewhere a name may match in
// another Unicode form than the one listed.
function listCommonFolders(inputs: readonly string[], here: string): Map<string, Listing> | undefined {
  if (process.platform !== 'linux' || inputs.length < LIST_FROM) return undefined;
  const counts = new Map<string, number>();
  for (let i = 0; i < inputs.length; i += 1) {
    const input = inputs[i] as string;
    if (input.endsWith('/')) continue;
    const folder = isPlainName(input) ? here : path.dirname(resolveTaskPath(here, input));
    counts.set(folder, (counts.get(folder) ?? 0) + 1);
  }
  const listed = new Map<string, Listing>();
  for (const [folder, count] of counts) {
    if (count < LIST_FROM) continue;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(folder, { withFileTypes: true });
    } catch {
      // Not a folder one can list: each input is stat'ed, as it would be without this.
      continue;
    }
    const types = new Map<string, fs.Dirent>();
    const folded = new Set<string>();
    for (const entry of entries) {
      types.set(entry.name, entry);
      folded.add(entry.name.toLowerCase());
    }
    listed.set(folder, { types, folded });
  }
  return listed.size === 0 ? undefined : listed;
}

// What the listing of its folder says of an input; undefined when only a stat can tell (a
// symbolic link, a special file, a type the file system does not give, a name in another case).
function inspectListed(listed: ReadonlyMap<string, Listing>, here: string, input: string): 'missing' | 'file' | 'folder' | undefined {
  if (input.endsWith('/')) return undefined;
  const plain = isPlainName(input);
  const absolute = plain ? input : resolveTaskPath(here, input);
  const listing = listed.get(plain ? here : path.dirname(absolute));
  if (listing === undefined) return undefined;
  const name = plain ? input : path.basename(absolute);
  if (name === '') return undefined;
  const entry = listing.types.get(name);
  if (entry === undefined) return listing.folded.has(name.toLowerCase()) ? undefined : 'missing';
  if (entry.isFile()) return 'file';
  if (entry.isDirectory()) return 'folder';
  return undefined;
}

/** The message for a folder given as an input; `example` shows how to name its files instead. */
export function folderInputMessage(input: string, where: string, example: string): string {
  return `Expected input \`${input}\` ${where} to be a file, got a folder: sluice hashes its inputs to know when to run again; name the files in it instead (e.g. ${example})`;
}

export function specialInputMessage(input: string, where: string, special: string): string {
  return `Expected input \`${input}\` ${where} to be a regular file, got ${special}: sluice hashes its inputs, and reading ${special} may block or never end`;
}

// A name with no folder in it (most of a long \`:::\` list): its folder is the working folder.
function isPlainName(input: string): boolean {
  return input !== '' && input !== '.' && input !== '..' && !input.includes('/');
}
