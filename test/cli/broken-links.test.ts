// A symlink that leads nowhere, matched by an input glob or a pipeline's pattern, is refused
// before anything runs, with the link and its target named: left out, its sample would be missing
// from a result sluice calls done; a missing input is an error everywhere else. Given literally
// (`:::`, `--in -`), a path is passed on as it is, as a missing one is.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { makeTempDir, runSluice } from '../helpers/run-sluice.ts';

function project(): string {
  const cwd = makeTempDir('sluice-broken-link-');
  fs.mkdirSync(path.join(cwd, 'data'));
  fs.writeFileSync(path.join(cwd, 'data', 'a.txt'), 'a\n');
  fs.symlinkSync('../gone/b.txt', path.join(cwd, 'data', 'b.txt'));
  return cwd;
}

const BROKEN = /Expected input `data\/b\.txt` .* to be a file, got a broken symbolic link to `\.\.\/gone\/b\.txt`, which does not exist: restore its target or remove the link/;

test('map --in refuses a glob that matches a broken symlink, listed, walked or literal, and runs nothing', async () => {
  const cwd = project();
  for (const glob of ['data/*.txt', 'd*/*.txt', '**/b.txt', 'data/b.txt']) {
    const result = await runSluice(['map', '--in', glob, '--out', 'out/{name}', '--', 'cp', '{in}', '{out}'], { cwd });
    assert.equal(result.code, 2, `${glob}: ${result.stderr}`);
    assert.match(result.stderr, BROKEN, glob);
    assert.ok(result.stderr.includes(`(matched by glob \`${glob}\` from \`--in\`)`), result.stderr);
    assert.ok(!fs.existsSync(path.join(cwd, 'out')), glob);
  }
  const dry = await runSluice(['map', '--dry-run', '--in', 'data/*', '--', 'cat'], { cwd });
  assert.equal(dry.code, 2);
  assert.match(dry.stderr, BROKEN);
});

test('a path given literally is passed on, as a missing one is: `find -xtype l | sluice map --in - rm` works', async () => {
  const cwd = project();
  const result = await runSluice(['map', '--in', '-', '--', 'rm', '{}'], { cwd, stdin: 'data/b.txt\n' });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(fs.readdirSync(path.join(cwd, 'data')), ['a.txt']);
});

test('a pipeline whose pattern matches a broken symlink or a symlink loop is refused by name (run, status, --dry-run)', async () => {
  const cwd = project();
  fs.writeFileSync(
    path.join(cwd, 'pipeline.ts'),
    `import { pipeline, step, cmd } from 'sluice';
export default pipeline({ copy: step({ in: 'data/{n}.txt', out: 'out/{n}.txt', run: cmd('cp', '{in}', '{out}') }) });
`,
  );
  for (const args of [['run'], ['status'], ['run', '--dry-run']]) {
    const result = await runSluice(args, { cwd });
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, /Expected input `data\/b\.txt` of task `copy\[n=b\]` to be a file, got a broken symbolic link to `\.\.\/gone\/b\.txt`/);
    assert.ok(!fs.existsSync(path.join(cwd, 'out')));
  }
  fs.rmSync(path.join(cwd, 'data', 'b.txt'));
  fs.symlinkSync('c.txt', path.join(cwd, 'data', 'c.txt'));
  const loop = await runSluice(['run'], { cwd });
  assert.equal(loop.code, 2, loop.stderr);
  assert.match(loop.stderr, /Expected input `data\/c\.txt` of task `copy\[n=c\]` to be a file, got a symbolic link that leads back to itself/);
  assert.doesNotMatch(loop.stderr, /bug/);
  fs.rmSync(path.join(cwd, 'data', 'c.txt'));
  const fixed = await runSluice(['run'], { cwd });
  assert.equal(fixed.code, 0, fixed.stderr);
  assert.deepEqual(fs.readdirSync(path.join(cwd, 'out')), ['a.txt']);
});
