import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir, runSluice } from '../helpers/run-sluice.ts';

// A gather over the files made from folder outputs (directory()), one task per listed sample.
// A sample whose folder comes out empty gives its gather nothing to read: in a pipeline without
// folders that is a plan error. Before, the error was dropped while the step waited for the
// folders and never raised once they were made: the gather had no tasks at all (not even for
// the samples with files), and `sluice run` and `sluice status` exited 0, calling it up to date.

const PIPELINE = `import { pipeline, step, sh, directory, all } from 'sluice';
export default pipeline({
  split: step({ in: 'data/{s}.txt', out: directory('chunks/{s}'), run: sh('split -l 1 {in} {out}/part') }),
  proc: step({ in: 'chunks/{s}/{c}', out: 'proc/{s}/{c}.out', run: sh('cat {in} {in} > {out}') }),
  merge: step({ in: { parts: all('proc/{s}/{c}.out') }, out: 'merged/{s}.txt', wildcards: { s: ['a', 'e'] }, run: sh('cat {in.parts} > {out}') }),
});`;

function project(): string {
  const dir = makeTempDir('sluice-folder-gather-');
  fs.mkdirSync(path.join(dir, 'data'));
  fs.writeFileSync(path.join(dir, 'data/a.txt'), '1\n2\n');
  fs.writeFileSync(path.join(dir, 'data/e.txt'), '');
  fs.writeFileSync(path.join(dir, 'pipeline.ts'), PIPELINE);
  return dir;
}

const ERROR = /No file matches gathered input `proc\/\{s\}\/\{c\}\.out` of task `merge\[s=e\]` of .*pipeline\.ts, and no step makes one/;

describe('a gather below folder outputs that a listed value leaves empty', () => {
  it('fails the run once the folders are made, and again when nothing is left to run; status says so too', async () => {
    const dir = project();
    const before = await runSluice(['run', '--dry-run'], { cwd: dir });
    assert.equal(before.code, 0, 'before the folders are made, the gather waits for them');
    assert.match(before.stdout, /step `merge`: planned after `split` runs/);
    const first = await runSluice(['run'], { cwd: dir });
    assert.equal(first.code, 1, first.stderr);
    assert.match(first.stderr, ERROR);
    assert.equal(fs.readFileSync(path.join(dir, 'proc/a/partab.out'), 'utf8'), '2\n2\n', 'the tasks that could run ran');

    const again = await runSluice(['run'], { cwd: dir });
    assert.equal(again.code, 2, again.stderr);
    assert.match(again.stderr, ERROR);

    const dry = await runSluice(['run', '--dry-run'], { cwd: dir });
    assert.equal(dry.code, 2, dry.stdout + dry.stderr);
    assert.match(dry.stderr, ERROR);

    const status = await runSluice(['status'], { cwd: dir });
    assert.equal(status.code, 2, status.stdout + status.stderr);
    assert.match(status.stderr, ERROR);

    // With a file for `e`, the gather is planned for both samples.
    fs.writeFileSync(path.join(dir, 'data/e.txt'), '9\n');
    const fixed = await runSluice(['run'], { cwd: dir });
    assert.equal(fixed.code, 0, fixed.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'merged/a.txt'), 'utf8'), '1\n1\n2\n2\n');
    assert.equal(fs.readFileSync(path.join(dir, 'merged/e.txt'), 'utf8'), '9\n9\n');
    assert.equal((await runSluice(['status'], { cwd: dir })).code, 0);
  });

  it('takes folders that all came out empty for no tasks below them, not for an error', async () => {
    const dir = makeTempDir('sluice-folder-gather-');
    fs.mkdirSync(path.join(dir, 'data'));
    fs.writeFileSync(path.join(dir, 'data/e.txt'), '');
    fs.writeFileSync(path.join(dir, 'pipeline.ts'), PIPELINE.replace(/\n {2}merge: .*\n/, '\n'));
    for (const command of ['run', 'run', 'status']) {
      const result = await runSluice([command], { cwd: dir });
      assert.equal(result.code, 0, `${command}: ${result.stderr}`);
    }
    assert.deepEqual(fs.readdirSync(path.join(dir, 'chunks/e')), []);
  });
});
