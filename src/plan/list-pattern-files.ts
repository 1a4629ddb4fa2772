import fs from 'node:fs';
import path from 'node:path';
import { escapePath, globSync } from './glob-sync.ts';
import type { PathPattern } from './path-pattern.ts';

/**
 * Files on disk a pattern can match, as paths relative to `dir` (absolute for absolute
 * patterns). Names starting with a dot are left out. When wildcards only appear in the last
 * path segment, one readdir does it (10,000 files: ~5 ms, against ~40 ms through a glob).
 */
export function listPatternFiles(pattern: PathPattern, dir: string): string[] {
  const firstWildcard = pattern.parts.findIndex((part) => typeof part !== 'string');
  const literalHead = pattern.parts.slice(0, firstWildcard < 0 ? pattern.parts.length : firstWildcard).join('');
  const slash = literalHead.lastIndexOf('/');
  const folder = slash < 0 ? '' : literalHead.slice(0, slash + 1);
  const rest = pattern.source.slice(folder.length);
  if (rest.includes('/')) {
    // Each wildcard matches within one segment: `*`.
    const glob = pattern.parts.map((part) => (typeof part === 'string' ? escapePath(part) : '*')).join('');
    const absolute = path.isAbsolute(glob);
    return globSync(glob, { cwd: dir, absolute, onlyFiles: true, expandDirectories: false, dot: false });
  }
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(path.resolve(dir, folder || '.'), { withFileTypes: true });
  } catch {
    return [];
  }
  const found: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.') && !rest.startsWith('.')) continue;
    const candidate = folder + entry.name;
    if (!pattern.regex.test(candidate)) continue;
    if (entry.isFile() || (entry.isSymbolicLink() && isFile(path.resolve(dir, candidate)))) found.push(candidate);
  }
  return found;
}

function isFile(file: string): boolean {
  return fs.statSync(file, { throwIfNoEntry: false })?.isFile() === true;
}
