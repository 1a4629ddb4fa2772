import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PlanError } from '../errors.ts';
import { bundlePipeline } from './bundle-pipeline.ts';
import type { PipelineDefinition } from './define-pipeline.ts';

export const PIPELINE_NAMES = ['pipeline.ts', 'pipeline.mts', 'pipeline.js', 'pipeline.mjs', 'pipeline.cjs'];

/** The pipeline file: `-f FILE`, or the first pipeline.{ts,mts,js,mjs,cjs} in `cwd`. */
export function findPipelineFile(cwd: string, file?: string): string {
  if (file !== undefined) {
    const resolved = path.resolve(cwd, file);
    if (!fs.existsSync(resolved)) throw new PlanError(`Pipeline file \`${file}\` not found (looked at ${resolved})`);
    return resolved;
  }
  for (const name of PIPELINE_NAMES) {
    const candidate = path.join(cwd, name);
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new PlanError(`No pipeline file in ${cwd}: expected one of ${PIPELINE_NAMES.join(', ')}, or -f FILE`);
}

/** Imports a pipeline file and checks that its default export is a pipeline. Runs no task. */
export async function loadPipeline(file: string): Promise<PipelineDefinition> {
  const bundle = await bundlePipeline(file);
  let module: { default?: unknown };
  try {
    module = (await import(pathToFileURL(bundle).href)) as { default?: unknown };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new PlanError(`Could not load pipeline ${file}: ${reason}`, { cause: error });
  }
  const definition = unwrapCommonJs(module.default) as Partial<PipelineDefinition> | undefined;
  if (definition?.kind !== 'sluice-pipeline' || typeof definition.steps !== 'function') {
    throw new PlanError(`Expected ${file} to \`export default pipeline({...})\`, got ${definition === undefined ? 'no default export' : 'something else'}`);
  }
  return definition as PipelineDefinition;
}

// A CommonJS pipeline's `module.exports` is the bundle's default export; `exports.default = ...`
// (what TypeScript and Babel emit for `export default`) nests it one level deeper.
function unwrapCommonJs(value: unknown): unknown {
  const inner = value as { kind?: unknown; default?: unknown } | undefined;
  if (inner !== undefined && inner !== null && inner.kind === undefined && typeof inner.default === 'object') return inner.default;
  return value;
}
