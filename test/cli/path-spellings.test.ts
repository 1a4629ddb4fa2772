// One file named two ways in a pipeline: relative (`data/{x}.txt`), and absolute or through the
// project's own folder from outside (`/home/u/proj/data/{x}.txt`, `../proj/data/{x}.txt`). The
// planner must see one path: an output that is its input so spelled is refused before it
// overwrites the input, two steps writing one file so spelled are refused, and a step reading a
// file another step makes under the other spelling waits for it in the same run.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir, readProject, runSluice } from '../helpers/run-sluice.ts';

function project(steps: (dir: string) => string): string {
  const dir = makeTempDir('sluice-spellings-');
  fs.mkdirSync(path.join(dir, 'data'));
  fs.writeFileSync(path.join(dir, 'data', 'a.txt'), 'original\n');
  fs.writeFileSync(path.join(dir, 'pipeline.ts'), `import { pipeline, step, sh } from 'sluice';\nexport default pipeline({\n${steps(dir)}\n});\n`);
  return dir;
}

const spellings: Array<[string, (dir: string, file: string) => string]> = [
  ['absolute', (dir, file) => path.join(dir, file)],
  ['up and back down', (dir, file) => `../${path.basename(dir)}/${file}`],
];

describe('one path spelled two ways', () => {
  for (const [name, spell] of spellings) {
    it(`refuses an output that is its own input, ${name}, and leaves the input as it was`, async () => {
      const dir = project((d) => `  clobber: step({ in: 'data/{x}.txt', out: ${JSON.stringify(spell(d, 'data/{x}.txt'))}, run: sh('echo ran >> ran.log; echo CLOBBERED > {out}') }),`);
      const before = readProject(dir);
      const result = await runSluice(['run'], { cwd: dir });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /step `clobber`/);
      assert.match(result.stderr, /overwrite/);
      assert.deepEqual(readProject(dir), before, 'nothing ran, the input is intact');
    });

    it(`refuses two steps writing one file, one of them ${name}`, async () => {
      const dir = project(
        (d) =>
          `  one: step({ in: 'data/{x}.txt', out: 'w/{x}.out', run: sh('echo ran >> ran.log; echo one > {out}') }),\n` +
          `  two: step({ in: 'data/{x}.txt', out: ${JSON.stringify(spell(d, 'w/{x}.out'))}, run: sh('echo ran >> ran.log; echo two > {out}') }),`,
      );
      const before = readProject(dir);
      const result = await runSluice(['run'], { cwd: dir });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /Two tasks would write `w\/a\.out`: task `one\[x=a\]` and task `two\[x=a\]`/);
      assert.deepEqual(readProject(dir), before, 'nothing ran');
    });

    it(`runs a step reading what another makes, spelled ${name}, after it in one run`, async () => {
      const dir = project(
        (d) =>
          `  make: step({ in: 'data/{x}.txt', out: ${JSON.stringify(spell(d, 'w/{x}.mid'))}, run: sh('cp {in} {out}') }),\n` +
          `  use: step({ in: 'w/{x}.mid', out: 'w/{x}.end', run: sh('cp {in} {out}') }),`,
      );
      const result = await runSluice(['run'], { cwd: dir });
      assert.equal(result.code, 0, result.stderr);
      assert.equal(fs.readFileSync(path.join(dir, 'w/a.end'), 'utf8'), 'original\n');
      const again = await runSluice(['run'], { cwd: dir });
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stderr, /2 up to date/);
    });
  }
});
