import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir, runSluice, takeRanLog as ranLog } from '../helpers/run-sluice.ts';

// `--force-all` and `--force STEP` in a pipeline with folder outputs (directory()), which runs in
// rounds: each round planned again after the folders were made. Before, each round forced the
// folder's step again, so it made its folder once per round (4 times here) and the steps below
// it, deferred every round, never ran at all.

const PIPELINE = `import { pipeline, step, sh, directory, all } from 'sluice';
export default pipeline({
  split: step({ in: 'data/{s}.txt', out: directory('chunks/{s}'), run: sh('echo "split {s}" >> ran.log; split -l 1 {in} {out}/part') }),
  proc: step({ in: 'chunks/{s}/{c}', out: 'proc/{s}/{c}.out', run: sh('echo "proc {s} {c}" >> ran.log; cat {in} {in} > {out}') }),
  merge: step({ in: { parts: all('proc/{s}/{c}.out') }, out: 'merged/{s}.txt', wildcards: { s: ['a'] }, run: sh('echo "merge {s}" >> ran.log; cat {in.parts} > {out}') }),
});`;

async function run(dir: string, ...args: string[]): Promise<void> {
  const result = await runSluice(['run', ...args], { cwd: dir });
  assert.equal(result.code, 0, result.stderr);
}

describe('forcing steps of a pipeline with folder outputs', () => {
  it('runs every forced task once, the steps below the folders included', async () => {
    const dir = makeTempDir('sluice-force-folders-');
    fs.mkdirSync(path.join(dir, 'data'));
    fs.writeFileSync(path.join(dir, 'data/a.txt'), '1\n2\n');
    fs.writeFileSync(path.join(dir, 'pipeline.ts'), PIPELINE);
    await run(dir);
    const all = ['merge a', 'proc a partaa', 'proc a partab', 'split a'];
    assert.deepEqual(ranLog(dir), all);

    await run(dir, '--force-all');
    assert.deepEqual(ranLog(dir), all);

    // The folder remade identically: nothing below it runs again.
    await run(dir, '--force', 'split');
    assert.deepEqual(ranLog(dir), ['split a']);

    await run(dir, '--force', 'split', '--force', 'merge');
    assert.deepEqual(ranLog(dir), ['merge a', 'split a']);
    assert.equal(fs.readFileSync(path.join(dir, 'merged/a.txt'), 'utf8'), '1\n1\n2\n2\n');
    assert.equal((await runSluice(['status'], { cwd: dir })).code, 0);
  });
});
