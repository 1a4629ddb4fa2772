// The first hour of a user: pack the package, install the tarball into a project outside the
// repository, run a pipeline there with `npx sluice`, type-check pipelines with `npx sluice check`
// and tsc against the published types; and, given a Node 24 binary (SLUICE_TEST_NODE24, set by
// .ci/run), install it there with no compiler at all and run on node:sqlite.

import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO } from '../helpers/run-sluice.ts';

const NODE_HAS_SQLITE = ((): boolean => {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  return major > 22 || (major === 22 && minor >= 13);
})();

// A Node 24 binary for the install without a compiler: SLUICE_TEST_NODE24, else skipped.
const NODE24 = process.env['SLUICE_TEST_NODE24'];
const NODE24_SKIP = ((): string | false => {
  if (NODE24 === undefined || NODE24 === '') return 'SLUICE_TEST_NODE24 is not set (the path of a Node 24 binary; .ci/run sets it)';
  const version = spawnSync(NODE24, ['--version'], { encoding: 'utf8', timeout: 60_000 }).stdout?.trim() ?? '';
  return /^v2[4-9]\./.test(version) ? false : `SLUICE_TEST_NODE24=${NODE24} is not a Node 24 binary (${version || 'it did not run'})`;
})();
if (NODE24_SKIP !== false) process.stderr.write(`# the install on Node 24 without a compiler is not tested: ${NODE24_SKIP}\n`);

// npm's own script, to run npm under another node than the one on PATH.
function findNpmCli(): string {
  const execPath = process.env['npm_execpath'];
  if (execPath !== undefined && /npm-cli\.js$/.test(execPath)) return execPath;
  const found = spawnSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8', timeout: 60_000 }).stdout.trim();
  return fs.realpathSync(found);
}

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  return spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    timeout: 600_000,
    env: { ...process.env, ...env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' },
  });
}

function ok(result: SpawnSyncReturns<string>, what: string): string {
  assert.equal(result.status, 0, `${what} failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

const PIPELINE = `import fs from 'node:fs';
import { pipeline, step, sh, all } from 'sluice';

export default pipeline({
  params: { suffix: '!', times: 2 },
  steps: (p) => ({
    shout: step({
      in: 'data/{name}.txt',
      out: 'out/{name}.txt',
      run: ({ input, output }) => {
        fs.writeFileSync(output, fs.readFileSync(input, 'utf8').trim().toUpperCase().repeat(p.times) + p.suffix);
      },
    }),
    count: step({
      in: { files: all('out/{name}.txt') },
      out: 'out/count.txt',
      run: sh('cat {in.files} | wc -c > {out}'),
    }),
  }),
});
`;

// Pipelines that use sluice's types rightly, and the same with a genuine type error that runs
// regardless (writing `undefined` or the wrong thing); `marker` is on the line TypeScript names.
const CHECK_PAIRS: ReadonlyArray<{ readonly name: string; readonly right: string; readonly wrong: string; readonly marker: string; readonly error: string }> = [
  {
    name: 'pipeline-params',
    right: PIPELINE,
    wrong: PIPELINE.replace('repeat(p.times)', 'repeat(p.suffix)'),
    marker: 'repeat(p.suffix)',
    error: "TS2345: Argument of type 'string' is not assignable to parameter of type 'number'",
  },
  {
    name: 'wildcards',
    right: PIPELINE,
    wrong: PIPELINE.replace('.repeat(p.times) + p.suffix', '.repeat(p.times) + wildcards.nmae').replace('({ input, output })', '({ input, output, wildcards })'),
    marker: 'wildcards.nmae',
    error: "TS2339: Property 'nmae' does not exist on type",
  },
  {
    // A function step's own `params` are typed from the declaration too: `times` is a number.
    name: 'step-params',
    right: PIPELINE.replace('.repeat(p.times) + p.suffix', ".repeat(params.times) + params.times.toFixed()").replace('({ input, output })', '({ input, output, params })'),
    wrong: PIPELINE.replace('.repeat(p.times) + p.suffix', ".repeat(params.times) + params.times.toUpperCase()").replace('({ input, output })', '({ input, output, params })'),
    marker: 'params.times.toUpperCase()',
    error: "TS2339: Property 'toUpperCase' does not exist on type 'number'",
  },
];

// A package of this checkout's node_modules, linked into the project's.
function linkFromRepository(project: string, name: string): void {
  const link = path.join(project, 'node_modules', name);
  if (fs.existsSync(link)) return;
  fs.mkdirSync(path.dirname(link), { recursive: true });
  fs.symlinkSync(path.join(REPO, 'node_modules', name), link, 'dir');
}

describe('the packed package, installed into a project of its own', { timeout: 900_000 }, () => {
  let project = '';
  let tarball = '';
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

  before(() => {
    project = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-install-')));
    const packs = path.join(project, 'packs');
    fs.mkdirSync(packs);
    // The package as `npm pack` makes it from this checkout's sources: built afresh into a stage of
    // its own (the repository's dist/ may be older than src/, and rebuilding it would pull it from
    // under the tests running beside this one); --ignore-scripts, as the build is done.
    const stage = path.join(project, 'stage');
    fs.mkdirSync(stage);
    for (const name of ['package.json', 'README.md', 'LICENSE', 'libexec']) fs.cpSync(path.join(REPO, name), path.join(stage, name), { recursive: true });
    ok(run(process.execPath, [path.join(REPO, 'scripts/build.mjs'), '--outdir', path.join(stage, 'dist')], REPO), 'the build (npm run build\'s script)');
    const packed = JSON.parse(ok(run(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', packs], stage), 'npm pack')) as Array<{
      filename: string;
      files: Array<{ path: string }>;
    }>;
    const [info] = packed;
    assert.ok(info !== undefined);
    tarball = path.join(packs, info.filename);
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'first-hour', private: true, type: 'module' }, null, 2));
    // No install scripts: on a Node with node:sqlite sluice must work without better-sqlite3's
    // native build, as on a machine with no compiler. The registry is asked only for what the
    // npm cache lacks.
    ok(
      run(npm, ['install', '--ignore-scripts', '--prefer-offline', '--no-package-lock', tarball], project),
      'npm install of the tarball',
    );
    if (!NODE_HAS_SQLITE) {
      // Node 20 needs better-sqlite3's native module: take the one built for this repository
      // (same version, same Node) instead of compiling it again for three minutes.
      fs.cpSync(path.join(REPO, 'node_modules/better-sqlite3/build'), path.join(project, 'node_modules/better-sqlite3/build'), { recursive: true });
    }
    fs.mkdirSync(path.join(project, 'data'));
    fs.writeFileSync(path.join(project, 'data/a.txt'), 'ab\n');
    fs.writeFileSync(path.join(project, 'data/b.txt'), 'cd\n');
    fs.writeFileSync(path.join(project, 'pipeline.ts'), PIPELINE);
  });

  after(() => {
    if (project !== '') fs.rmSync(project, { recursive: true, force: true });
  });

  it('ships LICENSE and no source maps that point at unshipped sources', () => {
    const installed = path.join(project, 'node_modules/sluice');
    assert.ok(fs.existsSync(path.join(installed, 'LICENSE')));
    const maps = fs.readdirSync(installed, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.map'));
    assert.deepEqual(maps, []);
  });

  it('runs a pipeline with `npx sluice run`, and again with nothing to do', () => {
    ok(run(npx, ['--no', 'sluice', 'run', '-j', '2'], project), 'npx sluice run');
    assert.equal(fs.readFileSync(path.join(project, 'out/a.txt'), 'utf8'), 'ABAB!');
    assert.equal(fs.readFileSync(path.join(project, 'out/b.txt'), 'utf8'), 'CDCD!');
    assert.equal(fs.readFileSync(path.join(project, 'out/count.txt'), 'utf8').trim(), '10');
    ok(run(npx, ['--no', 'sluice', 'run', '--param', 'suffix=?'], project), 'npx sluice run --param');
    assert.equal(fs.readFileSync(path.join(project, 'out/a.txt'), 'utf8'), 'ABAB?');
    assert.ok(fs.existsSync(path.join(project, '.sluice/state.db')));
  });

  it('prints its version with `npx sluice --version`', () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string };
    assert.equal(ok(run(npx, ['sluice', '--version'], project), 'npx sluice --version'), `${version}\n`);
  });

  it("type-checks with `npx sluice check`: the project's TypeScript, the installed types; a right use passes, a wrong one names its line", () => {
    // No TypeScript in the project yet: told how to install it, exit 3.
    const missing = run(npx, ['--no', 'sluice', 'check'], project);
    assert.equal(missing.status, 3, missing.stderr);
    assert.match(missing.stderr, /TypeScript is not installed .*`npm install --save-dev typescript`/);
    // TypeScript and Node's types as `npm install --save-dev typescript @types/node` would put
    // them, linked from this checkout: no registry, no download.
    linkFromRepository(project, 'typescript');
    linkFromRepository(project, '@types/node');
    for (const pair of CHECK_PAIRS) {
      fs.mkdirSync(path.join(project, 'pipelines'), { recursive: true });
      fs.writeFileSync(path.join(project, `pipelines/right-${pair.name}.ts`), pair.right);
      fs.writeFileSync(path.join(project, `pipelines/wrong-${pair.name}.ts`), pair.wrong);
      const right = run(npx, ['--no', 'sluice', 'check', '-f', `pipelines/right-${pair.name}.ts`], project);
      assert.equal(right.status, 0, `${pair.name}, right use:\n${right.stdout}${right.stderr}`);
      assert.match(right.stderr, /: no type errors \(TypeScript [\d.]+, sluice's default options\)/);
      const wrong = run(npx, ['--no', 'sluice', 'check', '-f', `pipelines/wrong-${pair.name}.ts`], project);
      assert.equal(wrong.status, 1, `${pair.name}, wrong use:\n${wrong.stdout}${wrong.stderr}`);
      const line = pair.wrong.split('\n').findIndex((text) => text.includes(pair.marker)) + 1;
      assert.match(wrong.stdout, new RegExp(`^pipelines/wrong-${pair.name}\\.ts:${line}:\\d+ - error ${pair.error}`, 'm'), `${pair.name}: names line ${line}`);
    }
  });

  it('imports the library from the project', () => {
    const script = `import { map } from 'sluice'; console.log(JSON.stringify(await map([1, 2, 3], (x) => x * 2, { threads: 2 })));`;
    fs.writeFileSync(path.join(project, 'use-map.mjs'), script);
    assert.equal(ok(run(process.execPath, ['use-map.mjs'], project), 'node use-map.mjs').trim(), '[2,4,6]');
  });

  it("type-checks with tsc and module NodeNext against the published types, which leave out the internals", () => {
    const tsc = path.join(REPO, 'node_modules/typescript/bin/tsc');
    const types = path.join(REPO, 'node_modules/@types/node');
    if (!fs.existsSync(tsc) || !fs.existsSync(types)) return; // no offline typescript to use
    linkFromRepository(project, '@types/node');
    const config = {
      compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, types: ['node'] },
      files: ['pipeline.ts'],
    };
    fs.writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify(config));
    ok(run(process.execPath, [tsc, '-p', '.'], project), 'tsc on the right pipeline');
    fs.writeFileSync(path.join(project, 'pipeline.ts'), PIPELINE.replace('repeat(p.times)', 'repeat(p.suffix)'));
    const wrong = run(process.execPath, [tsc, '-p', '.'], project);
    assert.notEqual(wrong.status, 0);
    assert.match(wrong.stdout, /pipeline\.ts\(\d+,\d+\): error TS2345: Argument of type 'string' is not assignable to parameter of type 'number'/);
    fs.writeFileSync(path.join(project, 'pipeline.ts'), PIPELINE);
    // Internals are runtime exports but not in the published types.
    fs.writeFileSync(path.join(project, 'internal.ts'), `import { planMap } from 'sluice';\nvoid planMap;\n`);
    fs.writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify({ ...config, files: ['internal.ts'] }));
    const internal = run(process.execPath, [tsc, '-p', '.'], project);
    assert.match(internal.stdout, /internal\.ts\(1,\d+\): error TS2305: Module '"sluice"' has no exported member 'planMap'/);
    fs.rmSync(path.join(project, 'tsconfig.json'));
    fs.rmSync(path.join(project, 'internal.ts'));
  });

  // What a user on Node 24 meets: `npm install` runs the install scripts, better-sqlite3's native
  // build (an optional dependency, for Node 20) fails for want of a compiler, and npm leaves it
  // out; sluice then keeps its state with node:sqlite. PATH holds only node and sh: no cc, c++,
  // make or python3. build_from_source keeps prebuild-install from fetching a binary from GitHub
  // (CI reaches registries only): the native build is tried, and fails, every time.
  it('installs on Node 24 with no compiler, and runs a pipeline on node:sqlite', { skip: NODE24_SKIP }, () => {
    const node24 = NODE24 as string;
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-node24-'));
    try {
      const bin = path.join(home, 'bin');
      const project24 = path.join(home, 'project');
      fs.mkdirSync(bin);
      fs.mkdirSync(project24);
      fs.symlinkSync(node24, path.join(bin, 'node'));
      fs.symlinkSync(fs.realpathSync(spawnSync('sh', ['-c', 'command -v sh'], { encoding: 'utf8' }).stdout.trim()), path.join(bin, 'sh'));
      fs.writeFileSync(path.join(project24, 'package.json'), JSON.stringify({ name: 'first-hour-24', private: true, type: 'module' }));
      // No python either (node-gyp would go on to fetch Node's headers from nodejs.org).
      const bare = { PATH: bin, CC: 'false', CXX: 'false', npm_config_build_from_source: 'true', PYTHON: undefined, npm_config_python: undefined };
      const installed = run(node24, [findNpmCli(), 'install', '--prefer-offline', '--no-package-lock', tarball], project24, bare);
      ok(installed, 'npm install of the tarball on Node 24 without a compiler');
      assert.ok(fs.existsSync(path.join(project24, 'node_modules/sluice/dist/cli/main.js')));
      // The native build was tried and failed (no compiler): npm left the optional package out.
      assert.equal(fs.existsSync(path.join(project24, 'node_modules/better-sqlite3')), false, `${installed.stdout}\n${installed.stderr}`);
      fs.mkdirSync(path.join(project24, 'data'));
      fs.writeFileSync(path.join(project24, 'data/a.txt'), 'ab\n');
      fs.writeFileSync(path.join(project24, 'pipeline.ts'), PIPELINE);
      // Run with Node 24 first on PATH (npx and the sluice command start `node`), the rest as it is.
      const withNode24 = { PATH: `${path.dirname(node24)}${path.delimiter}${process.env['PATH'] ?? ''}`, SLUICE_SQLITE: undefined };
      const { version } = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string };
      assert.equal(ok(run(npx, ['sluice', '--version'], project24, withNode24), 'npx sluice --version on Node 24'), `${version}\n`);
      ok(run(npx, ['--no', 'sluice', 'run'], project24, withNode24), 'npx sluice run on Node 24');
      assert.equal(fs.readFileSync(path.join(project24, 'out/a.txt'), 'utf8'), 'ABAB!');
      assert.equal(fs.readFileSync(path.join(project24, 'out/count.txt'), 'utf8').trim(), '5');
      assert.ok(fs.existsSync(path.join(project24, '.sluice/state.db')));
      const again = run(npx, ['--no', 'sluice', 'run'], project24, withNode24);
      assert.match(ok(again, 'npx sluice run again on Node 24') + again.stderr, /2 up to date/);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
