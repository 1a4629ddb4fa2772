// `sluice clean` removes what the steps make: a file output, a directory() output with all it
// holds. A folder a user put where a step makes a file was not made by sluice: clean keeps it and
// what it holds, and says so (before, it was deleted recursively). Also when the pipeline no
// longer loads and clean goes by the recorded state alone.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir, runSluice } from '../helpers/run-sluice.ts';

const PIPELINE = `import { pipeline, step, sh, directory } from 'sluice';
export default pipeline({
  copy: step({ in: 'data/{x}.txt', out: 'o/{x}.txt', run: sh('cp {in} {out}') }),
  split: step({ in: 'data/{x}.txt', out: directory('parts/{x}'), run: sh('cp {in} {out}/one; cp {in} {out}/two') }),
});
`;

async function madeProject(): Promise<string> {
  const dir = makeTempDir('sluice-clean-folder-');
  fs.mkdirSync(path.join(dir, 'data'));
  fs.writeFileSync(path.join(dir, 'data', 'a.txt'), 'a\n');
  fs.writeFileSync(path.join(dir, 'pipeline.ts'), PIPELINE);
  const run = await runSluice(['run'], { cwd: dir });
  assert.equal(run.code, 0, run.stderr);
  // The user replaces the file output by a folder of their own.
  fs.rmSync(path.join(dir, 'o', 'a.txt'));
  fs.mkdirSync(path.join(dir, 'o', 'a.txt'));
  fs.writeFileSync(path.join(dir, 'o', 'a.txt', 'notes'), 'mine\n');
  return dir;
}

describe('sluice clean and folders it did not make', () => {
  it('keeps a folder standing where a step makes a file, and removes directory() outputs whole', async () => {
    const dir = await madeProject();
    const result = await runSluice(['clean', '--all'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /kept o\/a\.txt: a folder stands where a step makes a file/);
    assert.equal(fs.readFileSync(path.join(dir, 'o', 'a.txt', 'notes'), 'utf8'), 'mine\n');
    assert.equal(fs.existsSync(path.join(dir, 'parts', 'a')), false, 'the directory() output is removed');
  });

  it('keeps it too when the pipeline does not load (clean by the recorded state)', async () => {
    const dir = await madeProject();
    fs.writeFileSync(path.join(dir, 'pipeline.ts'), 'export default syntax error here\n');
    const result = await runSluice(['clean', '--all'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /kept o\/a\.txt: a folder stands where a step makes a file/);
    assert.equal(fs.readFileSync(path.join(dir, 'o', 'a.txt', 'notes'), 'utf8'), 'mine\n');
    assert.equal(fs.existsSync(path.join(dir, 'parts', 'a')), false, 'the directory() output is removed');
  });
});
