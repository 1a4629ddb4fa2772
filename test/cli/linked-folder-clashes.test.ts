// One file named through two folders, one a symlink to the other (`link -> d`): the planner must
// see one file. An output that is an input so named (a pipeline step reading `link/{x}.txt` and
// writing `d/{x}.txt`; `sluice map ::: d/a.txt --out 'link/{name}'`) and two steps writing one
// file so named are refused before anything runs, the input left as it was.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir, runSluice } from '../helpers/run-sluice.ts';

function project(steps?: string): string {
  const dir = makeTempDir('sluice-linked-');
  fs.mkdirSync(path.join(dir, 'd'));
  fs.mkdirSync(path.join(dir, 'x'));
  fs.writeFileSync(path.join(dir, 'd', 'a.txt'), 'original\n');
  fs.writeFileSync(path.join(dir, 'x', 'a.txt'), 'x\n');
  fs.symlinkSync('d', path.join(dir, 'link'));
  if (steps !== undefined) fs.writeFileSync(path.join(dir, 'pipeline.ts'), `import { pipeline, step, sh } from 'sluice';\nexport default pipeline({\n${steps}\n});\n`);
  return dir;
}

async function refused(dir: string, args: readonly string[], message: RegExp, stdin?: string): Promise<void> {
  const result = await runSluice(args, { cwd: dir, stdin });
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, message);
  assert.equal(fs.existsSync(path.join(dir, 'ran.log')), false, 'nothing ran');
  assert.deepEqual(fs.readdirSync(path.join(dir, 'd')), ['a.txt']);
  assert.equal(fs.readFileSync(path.join(dir, 'd', 'a.txt'), 'utf8'), 'original\n', 'the input is intact');
}

describe('paths through a symlinked folder', () => {
  it('refuses a step whose output is its input read through the link', async () => {
    const dir = project(`  a: step({ in: 'link/{x}.txt', out: 'd/{x}.txt', run: sh('echo ran >> ran.log; echo CLOBBERED > {out}') }),`);
    await refused(dir, ['run'], /Output `d\/a\.txt` of task `a\[x=a\]` is, through a symlinked folder, its own input `link\/a\.txt`/);
  });

  it('refuses two steps writing one file, one through the link', async () => {
    const dir = project(
      `  a: step({ in: 'x/{x}.txt', out: 'd/{x}.out', run: sh('echo ran >> ran.log; echo A > {out}') }),\n` +
        `  b: step({ in: 'x/{x}.txt', out: 'link/{x}.out', run: sh('echo ran >> ran.log; echo B > {out}') }),`,
    );
    await refused(dir, ['run'], /Two tasks would write one file through a symlinked folder: `d\/a\.out` of task `a\[x=a\]` and `link\/a\.out` of task `b\[x=a\]`/);
  });

  for (const [how, args, stdin] of [
    [':::', ['map', '--out', 'link/{name}', '--', 'sh', '-c', 'echo ran >> ran.log; echo CLOBBERED', 'sh', ':::', 'd/a.txt']],
    ['--in -', ['map', '--in', '-', '--out', 'link/{name}', '--', 'sh', '-c', 'echo ran >> ran.log; echo CLOBBERED', 'sh'], 'd/a.txt\n'],
    ['::: through the link', ['map', '--out', 'd/{name}', '--', 'sh', '-c', 'echo ran >> ran.log; echo CLOBBERED', 'sh', ':::', 'link/a.txt']],
  ] as const) {
    it(`refuses sluice map --out writing its input from ${how}`, async () => {
      const dir = project();
      await refused(dir, args, /Output `(link|d)\/a\.txt` of task `map\[in=(d|link)\/a\.txt\]` is, through a symlinked folder, its own input/, stdin);
    });
  }

  it('runs outputs that only pass through the link', async () => {
    const dir = project(`  a: step({ in: 'x/{x}.txt', out: 'link/{x}.out', run: sh('cp {in} {out}') }),`);
    const result = await runSluice(['run'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'd', 'a.out'), 'utf8'), 'x\n');
  });
});
