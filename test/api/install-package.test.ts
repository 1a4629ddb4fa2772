// The first hour of a user: pack the package, install the tarball into a project outside the
// repository, run a pipeline there with `npx sluice`, and type-check a pipeline against the
// published types.

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

describe('the packed package, installed into a project of its own', { timeout: 900_000 }, () => {
  let project = '';
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
    const tsc = path.join(REPO, 'node_modules/typescript/bin/tsc');
    ok(run(process.execPath, [tsc, '-p', path.join(REPO, 'tsconfig.build.json'), '--outDir', path.join(stage, 'dist')], REPO), 'the build');
    const packed = JSON.parse(ok(run(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', packs], stage), 'npm pack')) as Array<{
      filename: string;
      files: Array<{ path: string }>;
    }>;
    const [info] = packed;
    assert.ok(info !== undefined);
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'first-hour', private: true, type: 'module' }, null, 2));
    // No install scripts: on a Node with node:sqlite sluice must work without better-sqlite3's
    // native build, as on a machine with no compiler. The registry is asked only for what the
    // npm cache lacks.
    ok(
      run(npm, ['install', '--ignore-scripts', '--prefer-offline', '--no-package-lock', path.join(packs, info.filename)], project),
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

  it('imports the library from the project', () => {
    const script = `import { map } from 'sluice'; console.log(JSON.stringify(await map([1, 2, 3], (x) => x * 2, { threads: 2 })));`;
    fs.writeFileSync(path.join(project, 'use-map.mjs'), script);
    assert.equal(ok(run(process.execPath, ['use-map.mjs'], project), 'node use-map.mjs').trim(), '[2,4,6]');
  });

  it('type-checks a pipeline with typed params: a right use passes, a wrong one fails', () => {
    const tsc = path.join(REPO, 'node_modules/typescript/bin/tsc');
    const types = path.join(REPO, 'node_modules/@types/node');
    if (!fs.existsSync(tsc) || !fs.existsSync(types)) return; // no offline typescript to use
    fs.mkdirSync(path.join(project, 'node_modules/@types'), { recursive: true });
    fs.symlinkSync(types, path.join(project, 'node_modules/@types/node'), 'dir');
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
  });
});
