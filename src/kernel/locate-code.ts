import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// Where sluice's own files are, for what is started or read by path at run time: the entry
// modules of the worker threads and of a Slurm job, the launcher script, package.json, the types.
// Built sluice is bundled with code splitting (scripts/build.mjs), so this module's code may sit in
// dist/index.js, dist/cli/main.js, a worker's entry or dist/chunks/*.js: a path relative to its own
// URL would depend on how the bundler split the code. The code's folder is found by name instead:
// the nearest folder above this file named `src` (sources, through tsx) or `dist` (built).

const HERE = fileURLToPath(import.meta.url);

/** Whether sluice runs from its TypeScript sources (tests, through tsx) rather than built. */
export const FROM_SOURCES = HERE.endsWith('.ts');

/** sluice's code: src/ from sources, dist/ built. */
export const CODE_DIR = findCodeDir(HERE, FROM_SOURCES);

/** The package: package.json, libexec/, node_modules/ of a checkout. */
export const PACKAGE_DIR = path.dirname(CODE_DIR);

/**
 * The URL of one of sluice's modules that is started or imported by path, named as under src/
 * without its extension (`execute/worker/step-worker`). The build keeps each such module an entry
 * point of its own, at the same place under dist/.
 */
export function locateModule(name: string): URL {
  return pathToFileURL(path.join(CODE_DIR, `${name}${FROM_SOURCES ? '.ts' : '.js'}`));
}

/** The nearest folder above `file` named `src` (fromSources) or `dist`. */
export function findCodeDir(file: string, fromSources: boolean): string {
  const wanted = fromSources ? 'src' : 'dist';
  for (let dir = path.dirname(file); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (path.basename(dir) === wanted) return dir;
  }
  throw new Error(`Expected sluice's module ${file} to be in a folder named \`${wanted}\`, got none above it: this is a bug in sluice`);
}
