import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir, runSluice } from '../helpers/run-sluice.ts';

// An output path where a folder stands: the task fails with one sentence naming the path and what
// to do (before: "sluice could not run the task: EISDIR: illegal operation on a directory, rename
// '.../.sluice-tmp-.../a.txt' -> '.../a.txt'"); the folder is left as it was, nothing is recorded,
// and no staged file is left beside it.

const BLOCKED = /Expected output `[^`]*out\/a\.txt` to be a file, got an existing folder: the task's output was not kept\. Remove or rename the folder/;

function listHidden(dir: string): string[] {
  return fs.readdirSync(dir).filter((name) => name.startsWith('.sluice-'));
}

describe('an output path that is an existing folder', { concurrency: 2 }, () => {
  it('sluice map: the task fails naming the path; the others succeed; the folder stays', async () => {
    const dir = makeTempDir('sluice-blocked-');
    fs.writeFileSync(path.join(dir, 'a.txt'), 'a\n');
    fs.writeFileSync(path.join(dir, 'b.txt'), 'b\n');
    fs.mkdirSync(path.join(dir, 'out/a.txt'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'out/a.txt/kept'), 'mine\n');
    const result = await runSluice(['map', '--keep-going', '--in', '*.txt', '--out', 'out/{name}', '--', 'cat'], { cwd: dir });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, BLOCKED);
    assert.doesNotMatch(result.stderr, /EISDIR|could not run the task/);
    // `cat` ran to its exit status 0: the report says so (before: "did not run to an exit status").
    assert.match(result.stderr, /^ {2}status: {3}exit code 0, not timed out$/m, result.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'out/b.txt'), 'utf8'), 'b\n');
    assert.equal(fs.readFileSync(path.join(dir, 'out/a.txt/kept'), 'utf8'), 'mine\n');
    assert.deepEqual(listHidden(path.join(dir, 'out')), []);
    // Once the folder is gone, the next run makes the file (nothing was recorded as done).
    fs.rmSync(path.join(dir, 'out/a.txt'), { recursive: true });
    const again = await runSluice(['map', '--in', '*.txt', '--out', 'out/{name}', '--', 'cat'], { cwd: dir });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'out/a.txt'), 'utf8'), 'a\n');
  });

  it('sluice run: a command step and a function step both fail naming the path', async () => {
    const dir = makeTempDir('sluice-blocked-');
    fs.mkdirSync(path.join(dir, 'data'));
    fs.writeFileSync(path.join(dir, 'data/a.txt'), 'a\n');
    fs.mkdirSync(path.join(dir, 'out/a.txt'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'fn/out/a.txt'), { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'pipeline.ts'),
      `import fs from 'node:fs';
import { pipeline, step, cmd } from 'sluice';
export default pipeline({
  copy: step({ in: 'data/{s}.txt', out: 'out/{s}.txt', run: cmd('cp', '{in}', '{out}') }),
  fn: step({ in: 'data/{s}.txt', out: 'fn/out/{s}.txt', run: ({ input, output }) => fs.copyFileSync(input, output) }),
});
`,
    );
    const result = await runSluice(['run', '-k'], { cwd: dir });
    assert.equal(result.code, 1, result.stderr);
    assert.equal(result.stderr.match(new RegExp(BLOCKED.source, 'g'))?.length, 2, result.stderr);
    assert.equal(result.stderr.match(/^ {2}status: {3}exit code 0, not timed out$/gm)?.length, 1, result.stderr);
    assert.doesNotMatch(result.stderr, /EISDIR/);
    assert.deepEqual(listHidden(path.join(dir, 'out')), []);
    assert.deepEqual(listHidden(path.join(dir, 'fn/out')), []);
  });
});
