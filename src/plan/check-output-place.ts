import path from 'node:path';
import { PlanError } from '../errors.ts';

/**
 * What is wrong with where an output pattern (or `--out` template) puts its file, if anything,
 * as the end of "Expected X to ...": the project's folder or one holding it (`.`, `../`: a
 * folder output replaces its folder whole, the project and its state with it), a path in
 * `.sluice/` (sluice's own state, which a run rewrites and `clean` removes), the pipeline file
 * itself, or (`file`, for `--out`, which has no folder outputs) a path that names a folder
 * (`o/`, `o/.`). Checked once per pattern. Paths outside the project (`../results/x`) are allowed.
 */
export function describeOutputPlace(source: string, root: string, options: { readonly file?: boolean; readonly pipelineFile?: string }): string | undefined {
  const last = source.slice(source.lastIndexOf('/') + 1);
  if (options.file === true && (last === '' || last === '.' || last === '..')) {
    return `be a file path, got \`${source}\`, which names a folder`;
  }
  const resolved = path.resolve(root, source);
  if (holdsFolder(resolved, root)) {
    return `name neither ${options.file === true ? 'the folder it runs in' : "the pipeline's folder"} nor a folder that holds it, got \`${source}\``;
  }
  const state = path.join(root, '.sluice');
  if (resolved === state || resolved.startsWith(`${state}${path.sep}`)) {
    return `lie outside \`.sluice/\` (sluice's own state), got \`${source}\``;
  }
  if (options.pipelineFile !== undefined && resolved === path.resolve(options.pipelineFile)) {
    return `be a file other than the pipeline itself, got \`${source}\``;
  }
  return undefined;
}

/** Refuses a step's output that `.sluice/` or the pipeline file would be (see describeOutputPlace). */
export function checkOutputPlaces(
  outputs: readonly { readonly name: string; readonly pattern: { readonly source: string } }[],
  shape: 'single' | 'list' | 'record',
  step: string,
  file: string,
): void {
  for (const output of outputs) {
    const problem = describeOutputPlace(output.pattern.source, path.dirname(file), { pipelineFile: file });
    if (problem === undefined) continue;
    const field = shape === 'single' ? 'out' : shape === 'list' ? `out[${output.name}]` : `out.${output.name}`;
    throw new PlanError(`Expected \`${field}\` of step \`${step}\` in ${file} to ${problem}`, { field });
  }
}

/** Whether the absolute path `output` is the folder `root` or one of the folders above it. */
export function holdsFolder(output: string, root: string): boolean {
  const folder = output.length > 1 && output.endsWith(path.sep) ? output.slice(0, -1) : output;
  return folder === root || root.startsWith(folder.endsWith(path.sep) ? folder : `${folder}${path.sep}`);
}
