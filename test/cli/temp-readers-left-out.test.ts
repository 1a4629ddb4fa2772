import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir, runSluice, takeRanLog as ranLog } from '../helpers/run-sluice.ts';

// A temporary output is deleted once every task that reads it succeeded. A run narrowed by a
// target runs only some of its readers: before, it deleted the output all the same, so the next
// full run made it again for the reader left out (a re-run the deletion forced).

const PIPELINE = `import { pipeline, step, sh } from 'sluice';
export default pipeline({
  mid: step({ in: 'data/{p}.txt', out: 'work/{p}.mid', temp: true, run: sh('echo "mid {p}" >> ran.log; tr a-z A-Z < {in} > {out}') }),
  c1: step({ in: 'work/{p}.mid', out: 'out/{p}.c1', run: sh('echo "c1 {p}" >> ran.log; cat {in} > {out}') }),
  c2: step({ in: 'work/{p}.mid', out: 'out/{p}.c2', run: sh('echo "c2 {p}" >> ran.log; cat {in} > {out}') }),
});`;

async function run(dir: string, ...args: string[]): Promise<void> {
  const result = await runSluice(['run', ...args], { cwd: dir });
  assert.equal(result.code, 0, result.stderr);
}

describe('a temporary output with readers a target leaves out', () => {
  it('stays until they ran, and is not made again for them', async () => {
    const dir = makeTempDir('sluice-temp-left-out-');
    fs.mkdirSync(path.join(dir, 'data'));
    fs.writeFileSync(path.join(dir, 'data/a.txt'), 'a1\n');
    fs.writeFileSync(path.join(dir, 'pipeline.ts'), PIPELINE);
    await run(dir);
    assert.deepEqual(ranLog(dir), ['c1 a', 'c2 a', 'mid a']);
    assert.equal(fs.existsSync(path.join(dir, 'work')), false);

    // An edit upstream, then a run of one reader: the other has yet to read the new content.
    fs.writeFileSync(path.join(dir, 'data/a.txt'), 'b1\n');
    fs.utimesSync(path.join(dir, 'data/a.txt'), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    await run(dir, 'out/a.c1');
    assert.deepEqual(ranLog(dir), ['c1 a', 'mid a']);
    assert.equal(fs.readFileSync(path.join(dir, 'work/a.mid'), 'utf8'), 'B1\n', 'kept for c2, which did not run');

    await run(dir);
    assert.deepEqual(ranLog(dir), ['c2 a'], 'mid is not made again');
    assert.equal(fs.readFileSync(path.join(dir, 'out/a.c2'), 'utf8'), 'B1\n');
    assert.equal(fs.existsSync(path.join(dir, 'work')), false, 'deleted once every reader ran');

    // Its readers up to date, a narrowed run that keeps it leaves it to the next full run.
    await run(dir, 'out/a.c1');
    assert.deepEqual(ranLog(dir), []);
    await run(dir);
    assert.deepEqual(ranLog(dir), []);
    assert.equal(fs.existsSync(path.join(dir, 'work')), false);
  });
});
