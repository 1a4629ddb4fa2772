#!/usr/bin/env node
// Builds dist/: `node scripts/build.mjs [--outdir DIR] [--no-types]` (npm run build; the
// benchmarks build into a temp dir with it, so they measure what users run).
//
// Why esbuild and not tsc's one file per module: starting sluice was mostly loading its ~180 ES
// modules (the loader reads and compiles each, ~150 ms of a ~280 ms first run; ~30 more in each
// worker thread). One build with code splitting over every entry point loads a few dozen files
// instead, and keeps:
// - one instance of each module: the CLI, the worker threads and the user's pipeline (bundled at
//   run time with `sluice` left external, so it imports dist/index.js) share the chunks, so
//   `instanceof PlanError` and the step markers hold across them;
// - the lazy `import()`s: each is a chunk of its own, loaded only by the commands that need it (a
//   single-file bundle was slower on the no-op re-run for loading everything).
// Packages stay external (node_modules) but valibot, whose functions the pipeline schema takes
// (~10 of ~200 KB) are bundled: importing all of valibot was ~8 ms and ~300 page faults of every
// start, a no-op run's too (bench/noop-rerun.ts). The code is not minified: names and text stay
// readable in stacks, and bundle-pipeline.ts keys its cache on its own functions' text.
// Every file sluice starts or imports by path (kernel/locate-code.ts) is an entry point, at the
// same place under dist/ as under src/; chunks go to dist/chunks/. tsc writes the .d.ts files.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/** Modules run or imported by path, named as under src/ (see kernel/locate-code.ts's locateModule). */
export const ENTRY_POINTS = [
  'cli/main',
  'index',
  // What a bundled pipeline imports instead of index when it takes only definitions (narrow-sluice-import.ts).
  'plan/pipeline-api',
  'execute/worker/step-worker',
  'pool/map-worker',
  'state/hashes/hash-worker',
  'execute/slurm/exec-task-main',
];

const MANIFEST = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const EXTERNAL = Object.keys({ ...MANIFEST.dependencies, ...MANIFEST.optionalDependencies, ...MANIFEST.peerDependencies });

const { values } = parseArgs({ options: { outdir: { type: 'string', default: path.join(ROOT, 'dist') }, 'no-types': { type: 'boolean', default: false } } });
const outdir = path.resolve(values.outdir);
// kernel/locate-code.ts finds the code by the name of its folder.
if (path.basename(outdir) !== 'dist') throw new Error(`Expected --outdir to be a folder named dist, got ${outdir}`);

fs.rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: ROOT,
  entryPoints: ENTRY_POINTS.map((name) => `src/${name}.ts`),
  outbase: 'src',
  outdir,
  entryNames: '[dir]/[name]',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Every package sluice depends on but valibot (a dev dependency, bundled), by name and by subpath.
  external: EXTERNAL.flatMap((name) => [name, `${name}/*`]),
  minify: false,
  sourcemap: false,
  logLevel: 'warning',
});
if (!values['no-types']) {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.build.json'), '--emitDeclarationOnly', '--outDir', outdir], { stdio: 'inherit' });
}
