import path from 'node:path';
import { PlanError } from '../errors.ts';

/**
 * A pattern's path in the one spelling the planner compares paths by: normalized, and relative
 * to the pipeline's folder `dir` when it lies inside it (`/home/u/proj/w/{x}.a` and
 * `../proj/w/{x}.a` are `w/{x}.a`). Without this, an output spelled so was not seen as its own
 * input, as another step's output or as what another step reads. Paths outside stay as written.
 */
export function normalizePatternPath(source: string, dir: string, where: string): string {
  // No path holds one: the file system calls would throw a TypeError (exit 70, "a bug in sluice").
  if (source.includes('\0')) throw new PlanError(`Expected a path without a NUL byte in ${where}, got ${JSON.stringify(source)}`);
  const normalized = path.isAbsolute(source) ? path.normalize(source) : path.normalize(source).replace(/^\.\/(?=.)/, '');
  if (!path.isAbsolute(normalized) && normalized !== '..' && !normalized.startsWith(`..${path.sep}`)) return normalized;
  const relative = path.relative(dir, path.resolve(dir, normalized));
  if (relative === '' || relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) return normalized;
  return normalized.endsWith(path.sep) ? `${relative}${path.sep}` : relative;
}
