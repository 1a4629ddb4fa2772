// The CLI as users run it: built by `npm run build`'s script (esbuild, code split into chunks),
// not the TypeScript sources the other tests run through tsx. Each file sluice starts or imports
// by path (worker threads, the Slurm job's entry, the launcher script, the index a pipeline
// imports) must be found from wherever the bundler put the code, and the CLI and a user's pipeline
// must share one instance of sluice's modules.

import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { makeTempDir, REPO } from '../helpers/run-sluice.ts';

let pkg = '';
let main = '';

function sluice(args: readonly string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [main, ...args], { cwd, encoding: 'utf8', timeout: 300_000 });
}

function ok(result: SpawnSyncReturns<string>, what: string): string {
  assert.equal(result.status, 0, `${what} (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

function project(files: Readonly<Record<string, string>>): string {
  const dir = makeTempDir('sluice-built-');
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const TWO_STEPS = `import fs from 'node:fs';
import { pipeline, step, cmd } from 'sluice';
export default pipeline({
  steps: {
    upper: step({ in: 'data/{name}.txt', out: 'up/{name}.txt', run: ({ input, output }) => { fs.writeFileSync(output, fs.readFileSync(input, 'utf8').toUpperCase()); } }),
    copy: step({ in: 'up/{name}.txt', out: 'out/{name}.txt', run: cmd('cp', '{in}', '{out}') }),
  },
});
`;

describe('the built CLI (scripts/build.mjs)', { timeout: 900_000 }, () => {
  before(() => {
    // Built into a temp package of its own: rebuilding the repository's dist/ would pull it from
    // under the tests running beside this one. No .d.ts: the install test checks the types.
    pkg = makeTempDir('sluice-built-pkg-');
    fs.copyFileSync(path.join(REPO, 'package.json'), path.join(pkg, 'package.json'));
    for (const name of ['libexec', 'node_modules']) fs.symlinkSync(path.join(REPO, name), path.join(pkg, name), 'dir');
    ok(spawnSync(process.execPath, [path.join(REPO, 'scripts/build.mjs'), '--outdir', path.join(pkg, 'dist'), '--no-types'], { cwd: REPO, encoding: 'utf8', timeout: 300_000 }), 'the build');
    main = path.join(pkg, 'dist/cli/main.js');
  });

  after(() => {
    if (pkg !== '') fs.rmSync(pkg, { recursive: true, force: true });
  });

  it('keeps every file started or imported by path at its place, and the shared code in dist/chunks/', () => {
    for (const name of ['cli/main', 'index', 'plan/pipeline-api', 'execute/worker/step-worker', 'pool/map-worker', 'state/hashes/hash-worker', 'execute/slurm/exec-task-main']) {
      assert.ok(fs.existsSync(path.join(pkg, 'dist', `${name}.js`)), `dist/${name}.js`);
    }
    const top = fs.readdirSync(path.join(pkg, 'dist')).filter((name) => name.endsWith('.js'));
    assert.deepEqual(top, ['index.js']);
    assert.ok(fs.readdirSync(path.join(pkg, 'dist/chunks')).length > 1, 'code split into chunks');
    assert.match(fs.readFileSync(main, 'utf8'), /^#!\/usr\/bin\/env node\n/);
  });

  it('prints its version and its help', () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string };
    assert.equal(ok(sluice(['--version'], pkg), '--version'), `${version}\n`);
    const help = ok(sluice(['--help'], pkg), '--help');
    for (const command of ['map', 'run', 'check', 'status', 'clean', 'report']) assert.match(help, new RegExp(`^  ${command} `, 'm'));
  });

  // Started in a folder removed after the shell entered it: before, any command (even
  // `--version`) died with Node's stack trace for uv_cwd, exit 1. Run built: under tsx, esbuild
  // itself reads the current directory as it loads.
  it('says in one paragraph that the current directory was removed, exit 3; -C to one that exists runs', () => {
    const dir = project({ 'data/a.txt': 'one\n', 'pipeline.mjs': "import { pipeline, step, cmd } from 'sluice';\nexport default pipeline({ steps: () => ({ copy: step({ in: 'data/{n}.txt', out: 'out/{n}.txt', run: cmd('cp', '{in}', '{out}') }) }) });\n" });
    const fromRemoved = (args: readonly string[]): SpawnSyncReturns<string> => {
      const gone = makeTempDir('sluice-built-gone-');
      return spawnSync('sh', ['-c', 'cd "$0" && rmdir "$0" && exec "$@"', gone, process.execPath, main, ...args], { encoding: 'utf8', timeout: 300_000 });
    };
    assert.equal(ok(fromRemoved(['--version']), '--version').trim().length > 0, true);
    for (const args of [['run', '-f', path.join(dir, 'pipeline.mjs')], ['map', '--', 'true', ':::', 'x'], ['status']]) {
      const result = fromRemoved(args);
      assert.equal(result.status, 3, result.stderr);
      assert.match(result.stderr, /^sluice: The current directory no longer exists \(ENOENT\): it was removed after the shell entered it\. `cd` to a folder that exists/);
      assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
    }
    ok(fromRemoved(['run', '-C', dir]), 'run -C');
    assert.equal(fs.readFileSync(path.join(dir, 'out/a.txt'), 'utf8'), 'one\n');
  });

  it('maps a command over files (the launcher script found from the bundle)', () => {
    const dir = project({ 'data/a.txt': 'one\n', 'data/b.txt': 'two\n' });
    ok(sluice(['map', '--in', 'data/*.txt', '--out', 'out/{stem}.txt', '--shell', '--', 'tr a-z A-Z < {}'], dir), 'map');
    assert.equal(fs.readFileSync(path.join(dir, 'out/a.txt'), 'utf8'), 'ONE\n');
    assert.equal(fs.readFileSync(path.join(dir, 'out/b.txt'), 'utf8'), 'TWO\n');
  });

  it('runs a pipeline with a function step (worker thread) and a command step; reuses its bundle; status, report and clean', () => {
    const dir = project({ 'pipeline.ts': TWO_STEPS, 'data/a.txt': 'ab\n', 'data/b.txt': 'cd\n' });
    ok(sluice(['run', '-j', '2'], dir), 'run');
    assert.equal(fs.readFileSync(path.join(dir, 'out/a.txt'), 'utf8'), 'AB\n');
    assert.equal(fs.readFileSync(path.join(dir, 'out/b.txt'), 'utf8'), 'CD\n');
    // The pipeline imports the built sluice's definitions (narrow-sluice-import.ts).
    const bundles = path.join(dir, '.sluice/pipelines');
    const [bundle] = fs.readdirSync(bundles).filter((name) => name.endsWith('.mjs'));
    assert.ok(bundle !== undefined);
    assert.ok(fs.readFileSync(path.join(bundles, bundle), 'utf8').includes(JSON.stringify(pathToFileURL(path.join(pkg, 'dist/plan/pipeline-api.js')).href)));
    const listing = (): string => fs.readdirSync(bundles).map((name) => `${name}:${fs.statSync(path.join(bundles, name)).mtimeMs}`).sort().join('\n');
    const before = listing();
    // Nothing to do, and the bundle cache's key (esbuild's version, the bundling code's text) holds: no rebuild.
    const again = sluice(['run'], dir);
    ok(again, 'the re-run');
    assert.match(again.stderr, /4 tasks: 4 up to date/);
    assert.equal(listing(), before);
    ok(sluice(['status'], dir), 'status');
    ok(sluice(['report', '-o', 'report.html'], dir), 'report');
    assert.match(fs.readFileSync(path.join(dir, 'report.html'), 'utf8'), /<html/i);
    ok(sluice(['clean', 'copy'], dir), 'clean');
    assert.equal(fs.existsSync(path.join(dir, 'out/a.txt')), false);
    assert.equal(fs.existsSync(path.join(dir, 'up/a.txt')), true);
  });

  it('hashes a large input on a hash worker thread', () => {
    // Command steps only: no step worker, so that the hash worker alone is tested.
    const copy = `import { pipeline, step, cmd } from 'sluice';\nexport default pipeline({ copy: step({ in: 'data/{name}.txt', out: 'out/{name}.txt', run: cmd('cp', '{in}', '{out}') }) });\n`;
    const dir = project({ 'pipeline.ts': copy, 'data/big.txt': 'x'.repeat(600 * 1024) });
    ok(sluice(['run'], dir), 'run');
    assert.equal(fs.readFileSync(path.join(dir, 'out/big.txt'), 'utf8').length, 600 * 1024);
    assert.match(sluice(['run'], dir).stderr, /up to date/);
  });

  for (const [label, imports] of [
    ['only definitions (pipeline-api.js)', 'pipeline, step, sh, PlanError'],
    ['the whole index.js', 'pipeline, step, sh, PlanError, TaskFailedError'],
  ] as const) {
    it(`shares one sluice with a pipeline that imports ${label}: its PlanError is the CLI's, its step() is seen`, () => {
      const thrown = `import { ${imports} } from 'sluice';
export default pipeline({ params: { fail: 0 }, steps: (p) => { if (p.fail === 1) throw new PlanError('Expected a reference genome, got none'); return { a: step({ out: 'a.txt', run: sh('echo a > {out}') }) }; } });
`;
      const dir = project({ 'pipeline.ts': thrown });
      const refused = sluice(['run', '--param', 'fail=1'], dir);
      assert.equal(refused.status, 2, refused.stderr);
      // Another PlanError class would be wrapped: "The steps of the pipeline ... could not be made: PlanError: ...".
      assert.equal(refused.stderr, 'sluice: Expected a reference genome, got none\n');
      ok(sluice(['run'], dir), 'run');
      // collectSteps (the CLI's define-pipeline module) sees the step() calls of the pipeline's.
      const spread = `import { ${imports} } from 'sluice';
const one = () => ({ a: step({ out: 'a.txt', run: sh('echo 1 > {out}') }) });
const two = () => ({ a: step({ out: 'b.txt', run: sh('echo 2 > {out}') }) });
export default pipeline({ steps: () => ({ ...one(), ...two() }) });
`;
      fs.writeFileSync(path.join(dir, 'pipeline.ts'), spread);
      const lost = sluice(['run'], dir);
      assert.equal(lost.status, 2, lost.stderr);
      assert.match(lost.stderr, /A step made by step\(\{\.\.\.\}\) at pipeline\.ts:2:\d+ is not among the steps/);
    });
  }

  it('runs map() of the library on its map worker threads', () => {
    const dir = project({
      'use-map.mjs': `import { map } from ${JSON.stringify(pathToFileURL(path.join(pkg, 'dist/index.js')).href)};\nconsole.log(JSON.stringify(await map([1, 2, 3], (x) => x * 2, { threads: 2 })));\n`,
    });
    const result = spawnSync(process.execPath, ['use-map.mjs'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    assert.equal(ok(result, 'map()').trim(), '[2,4,6]');
  });

  it("runs a Slurm job's task file with exec-task-main.js", () => {
    const dir = project({ 'in.txt': 'x\n' });
    const task = { id: 1, step: 's', action: { kind: 'argv', argv: ['cp', 'in.txt', { parts: [{ output: 0 }] }] }, inputs: ['in.txt'], outputs: ['out.txt'], cwd: dir, resources: { cpus: 1, retries: 0 } };
    const file = path.join(dir, '.sluice/slurm/run-1/1.1.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify({ version: 1, runId: 'run-1', logDir: path.join(dir, '.sluice/logs/run-1'), attempt: 1, task }));
    ok(spawnSync(process.execPath, [path.join(pkg, 'dist/execute/slurm/exec-task-main.js'), file], { cwd: dir, encoding: 'utf8', timeout: 120_000 }), 'exec-task-main');
    assert.equal(fs.readFileSync(path.join(dir, 'out.txt'), 'utf8'), 'x\n');
  });
});
