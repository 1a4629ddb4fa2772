// Typos in a pipeline's step names and outputs, refused before anything runs with a message that
// names the file and the step: a step name a user could not type or read back (empty, with a
// space, brackets, `=`, `/`, a leading `-`), and one task naming one output twice.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir, runSluice } from '../helpers/run-sluice.ts';

function project(steps: string): string {
  const dir = makeTempDir('sluice-names-');
  fs.mkdirSync(path.join(dir, 'data'));
  fs.writeFileSync(path.join(dir, 'data', 'a.txt'), 'a\n');
  fs.writeFileSync(path.join(dir, 'pipeline.ts'), `import { pipeline, step, sh } from 'sluice';\nexport default pipeline({\n${steps}\n});\n`);
  return dir;
}

describe('step names and repeated outputs', () => {
  for (const name of ['', 'a b', 'a[b]', 'x=1', 'a/b', '-force', 'tab\there', 'new\nline']) {
    it(`refuses the step name ${JSON.stringify(name)}`, async () => {
      const dir = project(`  ${JSON.stringify(name)}: step({ in: 'data/{x}.txt', out: 'o/{x}.txt', run: sh('echo ran >> ran.log; cp {in} {out}') }),`);
      const result = await runSluice(['run'], { cwd: dir });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /^sluice: Expected each step name in .*pipeline\.ts to be a word .*, got "/);
      assert.ok(result.stderr.includes(`got ${JSON.stringify(name)}`), result.stderr);
      assert.equal(fs.existsSync(path.join(dir, 'ran.log')), false, 'nothing ran');
    });
  }

  it('accepts names with digits, dashes, dots and letters beyond ASCII', async () => {
    const dir = project(`  'align-reads.v2_ünï': step({ in: 'data/{x}.txt', out: 'o/{x}.txt', run: sh('cp {in} {out}') }),`);
    const result = await runSluice(['run'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
  });

  it('names the step, not two tasks, when one task lists one output twice', async () => {
    const dir = project(`  copy: step({ in: 'data/{x}.txt', out: ['o/{x}.txt', 'o/{x}.txt'], run: sh('echo ran >> ran.log; cp {in} {out.0}') }),`);
    const result = await runSluice(['run'], { cwd: dir });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /Task `copy\[x=a\]` would write `o\/a\.txt` twice: two outputs of step `copy` name one path \(.*pipeline\.ts\)/);
    assert.equal(fs.existsSync(path.join(dir, 'ran.log')), false, 'nothing ran');
  });
});
