import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type TypeScript from 'typescript';
import { EnvironmentError } from '../errors.ts';

/** The project's own TypeScript compiler, as `npx tsc` in the pipeline's folder would find it. */
export interface FoundTypeScript {
  readonly ts: typeof TypeScript;
  /** The package's folder, for messages. */
  readonly folder: string;
}

// `sluice check` uses the project's TypeScript, never sluice's own (a devDependency of sluice,
// absent from an installed package, and perhaps another version than the project builds with).
// The lookup is Node's: node_modules/typescript in the pipeline's folder and each folder above it.
/** The TypeScript installed for the pipeline in `folder`; an environment error when there is none. */
export function findTypeScript(folder: string): FoundTypeScript {
  const require = createRequire(path.join(folder, 'noop.js'));
  let entry: string;
  try {
    entry = require.resolve('typescript');
  } catch {
    throw new EnvironmentError(
      `TypeScript is not installed for ${folder} (no node_modules/typescript in it or a folder above it): ` +
        "`sluice check` type-checks the pipeline with the project's own TypeScript. Install it in the project: " +
        '`npm install --save-dev typescript` (and `npm install --save-dev @types/node` for the types of node:fs and the like)',
      folder,
    );
  }
  const ts = require(entry) as typeof TypeScript;
  if (typeof ts.createProgram !== 'function' || typeof ts.version !== 'string') {
    throw new EnvironmentError(`Expected \`${entry}\` to be the TypeScript compiler, got a module without \`createProgram\``, entry);
  }
  return { ts, folder: packageFolderOf(entry) };
}

// node_modules/typescript/lib/typescript.js → node_modules/typescript.
function packageFolderOf(entry: string): string {
  for (let at = path.dirname(entry); path.dirname(at) !== at; at = path.dirname(at)) {
    if (fs.existsSync(path.join(at, 'package.json'))) return at;
  }
  return path.dirname(entry);
}
