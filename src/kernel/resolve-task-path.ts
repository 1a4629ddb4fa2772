// A task's path made absolute, as `path.resolve(task.cwd, file)` would. A no-op run resolves
// every input and output of every task; path.resolve costs ~1-2 µs a call, a concatenation
// ~0.1 µs (10,000 paths: 10-25 ms against 1-2 ms).

import path from 'node:path';

/**
 * A relative path that path.resolve would join as written (no `.`, `..` or empty segment). One
 * scan of the characters: a full check asks it of every input and output twice or three times,
 * and the equivalent regular expression (lookaheads that each scan the path again) cost ~10 ms
 * for 10,000 tasks.
 */
export function isPlainRelative(file: string): boolean {
  return isPlainFrom(file, 0);
}

// `isPlainRelative` of the part of `file` from `from` on.
function isPlainFrom(file: string, from: number): boolean {
  const length = file.length;
  if (length <= from) return false;
  // Each segment, from `start` to the next `/` (or the end), is neither empty, `.` nor `..`.
  let start = from;
  for (let i = from; i <= length; i += 1) {
    if (i < length && file.charCodeAt(i) !== SLASH) continue;
    const size = i - start;
    if (size === 0) return false;
    if (size <= 2 && file.charCodeAt(start) === DOT && (size === 1 || file.charCodeAt(start + 1) === DOT)) return false;
    start = i + 1;
  }
  return true;
}

let lastCwd = '';
let lastCwdIsPlain = false;
// The folders of other relative paths (`../data` of `../data/f1.txt`, as `sluice map --in
// '../data/*'` names its inputs), resolved against lastCwd: one path.resolve per folder.
const folders = new Map<string, string>();
const MAX_FOLDERS = 1024;

export function resolveTaskPath(cwd: string, file: string): string {
  // An absolute path already in normal form (the pipeline's paths when its parameters are
  // absolute, as the diabetes bench's are): path.resolve would return it as it is.
  if (file.charCodeAt(0) === SLASH && path.sep === '/' && isPlainFrom(file, 1)) return file;
  if (cwd !== lastCwd) {
    lastCwd = cwd;
    lastCwdIsPlain = path.sep === '/' && cwd.length > 1 && path.resolve(cwd) === cwd;
    folders.clear();
  }
  if (!lastCwdIsPlain) return path.resolve(cwd, file);
  if (isPlainRelative(file)) return `${cwd}/${file}`;
  // A relative path whose last segment is a plain name: its folder resolved, then the name.
  const slash = file.lastIndexOf('/');
  const name = file.slice(slash + 1);
  if (slash <= 0 || file.charCodeAt(0) === SLASH || name === '' || name === '.' || name === '..') return path.resolve(cwd, file);
  const part = file.slice(0, slash);
  let folder = folders.get(part);
  if (folder === undefined) {
    if (folders.size >= MAX_FOLDERS) folders.clear();
    folder = path.resolve(cwd, part);
    folders.set(part, folder);
  }
  return folder === '/' ? `/${name}` : `${folder}/${name}`;
}

const SLASH = 0x2f;
const DOT = 0x2e;
