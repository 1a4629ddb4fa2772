// A function step that calls process.exit(): in a worker thread that ends the thread, not sluice.
// The task fails (even with code 0: the function did not return), saying what the function did
// and what to write instead, without the pool's own stack; the other tasks are not touched, and
// the next run runs only the failed one. Before, the report read "the function threw: its worker
// thread failed: BackendError: A worker thread exited with code 3 while running a job" above
// frames of sluice's own chunks.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';
import { makeTempDir, runSluice } from '../helpers/run-sluice.ts';

const PIPELINE = `import fs from 'node:fs';
import { pipeline, step } from 'sluice';
export default pipeline({
  up: step({ in: 'data/{x}.txt', out: 'out/{x}.txt', run: ({ input, output }) => {
    const text = fs.readFileSync(input, 'utf8');
    if (text.startsWith('exit')) process.exit(Number(text.split(' ')[1]));
    fs.writeFileSync(output, text.toUpperCase());
  } }),
});
`;

for (const code of [3, 0]) {
  it(`fails the task of a function that calls process.exit(${code}), saying so, and leaves the others be`, async () => {
    const dir = makeTempDir('sluice-fn-exit-');
    fs.mkdirSync(path.join(dir, 'data'));
    fs.writeFileSync(path.join(dir, 'data/a.txt'), `exit ${code}`);
    fs.writeFileSync(path.join(dir, 'data/b.txt'), 'b');
    fs.writeFileSync(path.join(dir, 'data/c.txt'), 'c');
    fs.writeFileSync(path.join(dir, 'pipeline.ts'), PIPELINE);
    const result = await runSluice(['run', '-k', '-j', '1'], { cwd: dir });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, new RegExp(`✗ up\\[x=a\\] the function ended its worker thread with process\\.exit\\(${code}\\) before it returned; in a function step, throw an Error to fail the task, or return to end it`));
    assert.doesNotMatch(result.stderr, /BackendError|ThreadExitError|chunks\/|the function threw/);
    assert.match(result.stderr, /3 tasks: 2 succeeded, 1 failed/);
    assert.equal(fs.existsSync(path.join(dir, 'out/a.txt')), false, 'no output for the task that exited');
    assert.equal(fs.readFileSync(path.join(dir, 'out/b.txt'), 'utf8'), 'B');
    assert.equal(fs.readFileSync(path.join(dir, 'out/c.txt'), 'utf8'), 'C');

    fs.writeFileSync(path.join(dir, 'data/a.txt'), 'a');
    const again = await runSluice(['run'], { cwd: dir });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /1 succeeded/);
    assert.equal(fs.readFileSync(path.join(dir, 'out/a.txt'), 'utf8'), 'A');
    fs.rmSync(dir, { recursive: true, force: true });
  });
}
