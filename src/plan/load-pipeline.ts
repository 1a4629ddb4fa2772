import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PlanError } from '../errors.ts';
import { bundlePipeline, type SaveBundleFile } from './bundle-pipeline.ts';
import type { PipelineDefinition } from './define-pipeline.ts';
import { locateError, locateImport } from './locate-error.ts';

/** How long a pipeline module may take to load (its top-level await), in ms: SLUICE_LOAD_TIMEOUT. */
const LOAD_TIMEOUT_MS = 30_000;

export const PIPELINE_NAMES = ['pipeline.ts', 'pipeline.mts', 'pipeline.js', 'pipeline.mjs', 'pipeline.cjs'];

/** The pipeline file: `-f FILE`, or the first pipeline.{ts,mts,js,mjs,cjs} in `cwd`. */
export function findPipelineFile(cwd: string, file?: string): string {
  if (file !== undefined) {
    if (file === '') throw new PlanError('Expected `-f` to be a pipeline file, got an empty name');
    const resolved = path.resolve(cwd, file);
    const stat = fs.statSync(resolved, { throwIfNoEntry: false });
    if (stat === undefined) throw new PlanError(`Pipeline file \`${file}\` not found (looked at ${resolved})`);
    if (stat.isDirectory()) {
      // `-f results/` for `-C results/`: the bundler's "Could not resolve" said neither.
      const inside = PIPELINE_NAMES.find((name) => fs.statSync(path.join(resolved, name), { throwIfNoEntry: false })?.isFile() === true);
      const hint = inside === undefined ? '' : `: to use ${path.join(file, inside)} in it, give \`-C ${file}\``;
      throw new PlanError(`Expected \`-f\` to be a pipeline file, got the folder \`${file}\`${hint}`);
    }
    return resolved;
  }
  for (const name of PIPELINE_NAMES) {
    const candidate = path.join(cwd, name);
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new PlanError(`No pipeline file in ${cwd}: expected one of ${PIPELINE_NAMES.join(', ')}, or -f FILE`);
}

/**
 * Imports a pipeline file and checks that its default export is a pipeline. Runs no task; the
 * bundle it imports is saved through `save` when it had to be built.
 */
export async function loadPipeline(file: string, save: SaveBundleFile): Promise<PipelineDefinition> {
  const bundle = await bundlePipeline(file, save);
  let module: { default?: unknown };
  try {
    module = await importWithin(pathToFileURL(bundle).href, file);
  } catch (error) {
    if (error instanceof PlanError) throw error;
    let reason = error instanceof Error ? (error.name === 'Error' ? error.message : `${error.name}: ${error.message}`) : `it threw ${String(error)}`;
    let at = locateError(error, file, bundle);
    // A package that is not installed: Node names the bundle as the importer, the user wrote the import.
    const missing = /^Cannot find (?:package|module) '([^']+)' imported from /.exec(error instanceof Error ? error.message : '');
    if (missing !== null) {
      reason = `${reason.replaceAll(bundle, file).replaceAll(pathToFileURL(bundle).href, file)} (is it installed? \`npm install ${packageOf(missing[1] as string)}\`)`;
      at ??= locateImport(missing[1] as string, file, bundle);
    }
    throw new PlanError(`Could not load pipeline ${file}: ${reason}${at === undefined ? '' : ` (at ${at})`}`, { file, cause: error });
  }
  const definition = unwrapCommonJs(module.default) as Partial<PipelineDefinition> | undefined;
  if (definition?.kind !== 'sluice-pipeline' || typeof definition.steps !== 'function') {
    throw new PlanError(`Expected ${file} to \`export default pipeline({...})\`, got ${definition === undefined ? 'no default export' : 'something else'}`, { file });
  }
  return definition as PipelineDefinition;
}

// A module whose top-level await never settles would otherwise end the process with status 13
// and no word; a module still loading after the bound is a plan error naming the file.
async function importWithin(url: string, file: string): Promise<{ default?: unknown }> {
  const limit = loadTimeoutMs();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new PlanError(
            `Could not load pipeline ${file}: it was still loading after ${limit / 1000} s (a top-level await that never settles?). ` +
              'SLUICE_LOAD_TIMEOUT=<seconds> allows longer',
            { file },
          ),
        ),
      limit,
    );
  });
  try {
    return (await Promise.race([import(url), late])) as { default?: unknown };
  } finally {
    clearTimeout(timer);
  }
}

// `@scope/name/sub` → `@scope/name`, `name/sub` → `name`.
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}

function loadTimeoutMs(): number {
  const text = process.env['SLUICE_LOAD_TIMEOUT'];
  if (text === undefined || text.trim() === '') return LOAD_TIMEOUT_MS;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new PlanError(`Expected \`SLUICE_LOAD_TIMEOUT\` to be a number of seconds above zero, got \`${text}\``);
  return seconds * 1000;
}

// A CommonJS pipeline's `module.exports` is the bundle's default export; `exports.default = ...`
// (what TypeScript and Babel emit for `export default`) nests it one level deeper.
function unwrapCommonJs(value: unknown): unknown {
  const inner = value as { kind?: unknown; default?: unknown } | undefined;
  if (inner !== undefined && inner !== null && inner.kind === undefined && typeof inner.default === 'object') return inner.default;
  return value;
}
