import fs from 'node:fs';
import { SourceMap } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CODE_DIR } from '../kernel/locate-code.ts';

// An error thrown by a pipeline's code carries a stack into its bundle under .sluice/pipelines/.
// The user wrote pipeline.ts: the frame is mapped back through the bundle's inline source map
// (esbuild's), so a plan error says `pipeline.ts:12:9` and shows no stack. Node 20 has no
// module.setSourceMapsSupport; node:module's SourceMap reads the map we already have.

const FRAME = /^\s+at (?:.*?\()?((?:file:\/\/)?\/[^():]+):(\d+):(\d+)\)?\s*$/;
// sluice's own code: src/ (or dist/ once built), whose frames are not the user's.
const SLUICE_CODE = CODE_DIR;

/**
 * Where in the user's sources `error` was thrown: the first frame of its stack in `bundle` (mapped
 * to its source) or in a file that is neither sluice's nor a package's, as `file:line:column`
 * relative to the pipeline's folder. Undefined when no frame is the user's.
 */
export function locateError(error: unknown, pipelineFile: string, bundle: string | undefined): string | undefined {
  return locateStack(error instanceof Error && typeof error.stack === 'string' ? error.stack : '', pipelineFile, bundle);
}

/** locateError for a stack taken with Error.captureStackTrace. */
export function locateStack(stack: string, pipelineFile: string, bundle: string | undefined): string | undefined {
  let map: SourceMap | null | undefined;
  for (const line of stack.split('\n')) {
    const match = FRAME.exec(line);
    if (match === null) continue;
    const where = match[1] as string;
    const file = where.startsWith('file://') ? fileURLToPath(where) : where;
    const lineNumber = Number(match[2]);
    const column = Number(match[3]);
    if (bundle !== undefined && file === bundle) {
      map ??= readInlineMap(bundle);
      const entry = map?.findEntry(lineNumber - 1, column - 1) as { originalSource?: string; originalLine?: number; originalColumn?: number } | undefined;
      if (entry?.originalSource === undefined) continue;
      const source = path.resolve(path.dirname(bundle), entry.originalSource.replace(/^file:\/\//, ''));
      if (isUsers(source)) return display(source, pipelineFile, (entry.originalLine ?? 0) + 1, (entry.originalColumn ?? 0) + 1);
      continue;
    }
    if (isUsers(file)) return display(file, pipelineFile, lineNumber, column);
  }
  return undefined;
}

const BUNDLE_FRAME = /((?:file:\/\/)?\/[^():\s]*\.sluice\/pipelines\/[^():\s]+\.mjs):(\d+):(\d+)/;

/**
 * A stack with every frame in a pipeline's bundle (.sluice/pipelines/) mapped back to the source
 * the user wrote (`/project/pipeline.ts:12:9`): a function step's error then points at its code.
 * Frames that cannot be mapped stay as they are.
 */
export function mapBundleFrames(stack: string): string {
  const maps = new Map<string, SourceMap | null>();
  return stack
    .split('\n')
    .map((line) => {
      const match = BUNDLE_FRAME.exec(line);
      if (match === null) return line;
      const where = match[1] as string;
      const bundle = where.startsWith('file://') ? fileURLToPath(where) : where;
      if (!maps.has(bundle)) maps.set(bundle, readInlineMap(bundle));
      const entry = maps.get(bundle)?.findEntry(Number(match[2]) - 1, Number(match[3]) - 1) as
        | { originalSource?: string; originalLine?: number; originalColumn?: number }
        | undefined;
      if (entry?.originalSource === undefined) return line;
      const source = path.resolve(path.dirname(bundle), entry.originalSource.replace(/^file:\/\//, ''));
      return line.replace(match[0], `${source}:${(entry.originalLine ?? 0) + 1}:${(entry.originalColumn ?? 0) + 1}`);
    })
    .join('\n');
}

function isUsers(file: string): boolean {
  return !file.startsWith(SLUICE_CODE + path.sep) && !file.split(path.sep).includes('node_modules') && !file.includes(`${path.sep}.sluice${path.sep}`);
}

function display(file: string, pipelineFile: string, line: number, column: number): string {
  const relative = path.relative(path.dirname(pipelineFile), file);
  return `${relative.startsWith('..') || path.isAbsolute(relative) ? file : relative}:${line}:${column}`;
}

/**
 * Where the user's sources import `specifier` (a package Node could not find when it loaded the
 * bundle, whose error names only the bundle), as `file:line:column`; undefined when not found.
 */
export function locateImport(specifier: string, pipelineFile: string, bundle: string): string | undefined {
  const payload = readInlinePayload(bundle);
  const sources = payload?.sources ?? [];
  for (let index = 0; index < sources.length; index += 1) {
    const source = path.resolve(path.dirname(bundle), String(sources[index]).replace(/^file:\/\//, ''));
    const text = payload?.sourcesContent?.[index];
    if (typeof text !== 'string' || !isUsers(source)) continue;
    // Node names the package, the import may name a file in it: 'pkg/sub'.
    const at = new RegExp(`(['"\`])${specifier.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:/[^'"\`]*)?\\1`).exec(text)?.index;
    if (at === undefined) continue;
    const before = text.slice(0, at).split('\n');
    return display(source, pipelineFile, before.length, (before.at(-1)?.length ?? 0) + 1);
  }
  return undefined;
}

interface InlinePayload {
  readonly sources?: readonly unknown[];
  readonly sourcesContent?: readonly unknown[];
}

function readInlinePayload(bundle: string): InlinePayload | null {
  try {
    const code = fs.readFileSync(bundle, 'utf8');
    const match = /\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/.exec(code);
    if (match === null) return null;
    return JSON.parse(Buffer.from(match[1] as string, 'base64').toString('utf8')) as InlinePayload;
  } catch {
    return null;
  }
}

function readInlineMap(bundle: string): SourceMap | null {
  const payload = readInlinePayload(bundle);
  try {
    return payload === null ? null : new SourceMap(payload as ConstructorParameters<typeof SourceMap>[0]);
  } catch {
    return null;
  }
}
