import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Plugin } from 'esbuild';
import { PlanError } from '../errors.ts';
import { locateModule } from '../kernel/locate-code.ts';
import { isCommonJsFile } from './is-commonjs-file.ts';
import { narrowSluiceImport } from './narrow-sluice-import.ts';

// A pipeline file (TypeScript or JavaScript, with the local modules it imports) is bundled by
// esbuild into one ES module under `.sluice/pipelines/`, and reused while none of its sources
// changed: Node then imports plain JavaScript with no loader hooks, in the main thread and in
// every worker thread. Measured: loading through tsx's hooks cost ~0.2-0.5 s per process.

interface BundleMeta {
  readonly bundle: string;
  readonly sluice: string;
  /** The esbuild that built it and the way sluice calls it (readBuilder). */
  readonly builder: string;
  /** Hash of the local modules the pipeline file imports (not the file itself). */
  readonly modules: string;
  /** Every source of the bundle, with the sha1 of its content. */
  readonly inputs: ReadonlyArray<{ readonly path: string; readonly hash: string }>;
}

/** The sluice module that `import ... from 'sluice'` in a pipeline gets: the one running. */
export const SLUICE_INDEX_URL = locateModule('index').href;

// The bundles this process checked or built, by pipeline file.
const bundled = new Map<string, BundleMeta>();

/**
 * Writes one file of the bundle cache whole. Planning writes no file: whoever plans passes this in
 * (state/bundles/save-bundle-file.ts), so a dry run and a test can see what would be written.
 */
export type SaveBundleFile = (file: string, contents: string) => void;

/** Path of an up-to-date bundle of `file`, building it (and saving it through `save`) when a source changed. */
export async function bundlePipeline(file: string, save: SaveBundleFile): Promise<string> {
  const folder = folderOf(file);
  const key = keyOf(file);
  const metaPath = metaPathOf(file);
  const cached = readMeta(metaPath);
  if (cached !== undefined && isFresh(cached, folder)) {
    bundled.set(file, cached);
    return path.join(folder, cached.bundle);
  }
  // Loaded only when a bundle is out of date, and required rather than imported: importing a
  // CommonJS package from ESM makes Node scan its source for export names first (20-30 ms
  // against 10 ms for esbuild's here, Node 20).
  const { build } = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
  if (path.basename(file).includes('*')) {
    throw new PlanError(`Expected the name of pipeline file ${file} to hold no \`*\`, got \`${path.basename(file)}\` (the bundler reads \`*\` as a pattern): rename it`, { file });
  }
  const result = await build({
    // Relative to absWorkingDir: esbuild reads a `*` in an entry point as a glob, so a pipeline in
    // a folder named `runs*` would match nothing ("no default export").
    entryPoints: [`./${path.basename(file)}`],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    metafile: true,
    // Explicit: esbuild's default is the folder the process started in, even after `-C DIR`
    // (and the metafile's input paths below are relative to it).
    absWorkingDir: path.dirname(file),
    sourcemap: 'inline',
    // Sources in the map relative to the bundle's folder, where the map is read from.
    outdir: folder,
    logLevel: 'silent',
    define: { 'import.meta.url': JSON.stringify(pathToFileURL(file).href) },
    // A CommonJS pipeline's require() of a package or a builtin, in the ES module bundle: esbuild's
    // require shim calls this `require`, which resolves from the pipeline's folder.
    ...(isCommonJsFile(file) ? { banner: { js: commonJsRequire(file) } } : {}),
    plugins: [resolveSluice],
  }).catch((error: { errors?: Array<{ text: string; location?: { file: string; line: number; column: number } | null }> }) => {
    const first = error.errors?.[0];
    // esbuild's column counts from 0; an editor's (and a stack frame's) from 1.
    const where = first?.location === undefined || first.location === null ? '' : ` (${first.location.file}:${first.location.line}:${first.location.column + 1})`;
    throw new PlanError(`Could not load pipeline ${file}: ${first?.text ?? String(error)}${where}`, { file, cause: error });
  });
  // `{ align: step(...), align: step(...) }` keeps the last step only: refused, with its place.
  const duplicate = result.warnings.find((warning) => warning.id === 'duplicate-object-key');
  if (duplicate !== undefined) {
    const at = duplicate.location === null ? '' : ` at ${path.relative(path.dirname(file), path.resolve(duplicate.location.file)) || duplicate.location.file}:${duplicate.location.line}:${duplicate.location.column + 1}`;
    throw new PlanError(`${duplicate.text}${at} in ${file}: only the last one would count (two steps of one name?)`, { file });
  }
  const code = narrowSluiceImport(result.outputFiles[0]?.text ?? '', SLUICE_INDEX_URL);
  const bundle = `${key}-${createHash('sha1').update(code).digest('hex').slice(0, 12)}.mjs`;
  save(path.join(folder, bundle), code);
  const inputs = Object.keys(result.metafile.inputs).filter((input) => !input.startsWith('sluice-require:')).map((input) => {
    const absolute = path.resolve(path.dirname(file), input);
    return { path: absolute, hash: hashFile(absolute) ?? '' };
  });
  const modules = hashModules(inputs.map((input) => input.path).filter((input) => input !== file));
  const meta: BundleMeta = { bundle, sluice: SLUICE_INDEX_URL, builder: readBuilder(), modules, inputs };
  save(metaPath, JSON.stringify(meta));
  bundled.set(file, meta);
  return path.join(folder, bundle);
}

/** Path of the bundle this process built or checked for `file`, if any. */
export function readBundlePath(file: string): string | undefined {
  const name = readBundleName(file);
  return name === undefined ? undefined : path.join(folderOf(file), name);
}

/** The bundle's name, which holds a hash of its code: of the file and every module it imports. */
export function readBundleName(file: string): string | undefined {
  return (bundled.get(file) ?? readMeta(metaPathOf(file)))?.bundle;
}

/**
 * The hash of the local modules a bundled pipeline imports. A function step's signature covers
 * it: its `run` may call code from those modules, which its own source text does not show.
 */
export function readModulesHash(file: string): string | undefined {
  const meta = bundled.get(file) ?? readMeta(metaPathOf(file));
  return meta?.modules === '' ? undefined : meta?.modules;
}

function hashModules(files: readonly string[]): string {
  if (files.length === 0) return '';
  const hash = createHash('sha256');
  for (const module of [...files].sort()) hash.update(`${module}\0`).update(fs.readFileSync(module)).update('\0');
  return hash.digest('hex');
}

function metaPathOf(file: string): string {
  return path.join(folderOf(file), `${keyOf(file)}.json`);
}

function folderOf(file: string): string {
  return path.join(path.dirname(file), '.sluice', 'pipelines');
}

function keyOf(file: string): string {
  return `${path.basename(file).replace(/[^A-Za-z0-9._-]/g, '_')}-${createHash('sha1').update(file).digest('hex').slice(0, 12)}`;
}

function commonJsRequire(file: string): string {
  const url = JSON.stringify(pathToFileURL(file).href);
  return `import { createRequire as __sluiceCreateRequire } from 'node:module';\nconst require = __sluiceCreateRequire(${url});`;
}

// `require('sluice')` gets the running sluice, an ES module, through a module inside the bundle
// that re-exports it: esbuild turns that into the object require() returns.
const resolveSluice: Plugin = {
  name: 'sluice',
  setup(builder) {
    builder.onResolve({ filter: /^sluice$/ }, (args) =>
      args.kind === 'require-call' ? { path: 'sluice', namespace: 'sluice-require' } : { path: SLUICE_INDEX_URL, external: true },
    );
    builder.onResolve({ filter: /.*/, namespace: 'sluice-require' }, () => ({ path: SLUICE_INDEX_URL, external: true }));
    builder.onLoad({ filter: /.*/, namespace: 'sluice-require' }, () => ({
      contents: `export * from ${JSON.stringify(SLUICE_INDEX_URL)};`,
      loader: 'js',
    }));
  },
};

function readMeta(metaPath: string): BundleMeta | undefined {
  try {
    return JSON.parse(fs.readFileSync(metaPath, 'utf8')) as BundleMeta;
  } catch {
    return undefined;
  }
}

// Keyed by content, the sources' and the bundle's own (its name holds the hash of its code): a
// source edited within one mtime tick, or a bundle damaged on disk, is rebuilt, never trusted.
// Hashing a pipeline and its modules costs well under a millisecond.
function isFresh(meta: BundleMeta, folder: string): boolean {
  if (meta.sluice !== SLUICE_INDEX_URL || meta.builder !== readBuilder() || meta.modules === undefined || !Array.isArray(meta.inputs)) return false;
  const named = /-([0-9a-f]{12})\.mjs$/.exec(String(meta.bundle))?.[1];
  if (named === undefined || hashFile(path.join(folder, meta.bundle))?.slice(0, 12) !== named) return false;
  return meta.inputs.every((input) => typeof input.hash === 'string' && hashFile(input.path) === input.hash);
}

// What made a bundle besides its sources: esbuild's version and this module's code (the options it
// passes, the rewriting of the sluice import). A bundle made by another esbuild, or by another
// sluice installed at the same path (an upgrade in place), is built again rather than trusted.
let builder: string | undefined;

function readBuilder(): string {
  builder ??= createHash('sha1')
    .update(`${readEsbuildVersion()}\0${String(bundlePipeline)}\0${String(narrowSluiceImport)}\0${String(commonJsRequire)}\0${String(resolveSluice.setup)}`)
    .digest('hex')
    .slice(0, 12);
  return builder;
}

// From its package.json: loading esbuild itself costs ~10 ms, and a fresh bundle does not need it.
function readEsbuildVersion(): string {
  try {
    const manifest = createRequire(import.meta.url).resolve('esbuild/package.json');
    return String((JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version?: unknown }).version);
  } catch {
    return 'esbuild not found';
  }
}

function hashFile(file: string): string | undefined {
  try {
    return createHash('sha1').update(fs.readFileSync(file)).digest('hex');
  } catch {
    return undefined;
  }
}


