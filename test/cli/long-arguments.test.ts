import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeTempDir, runSluice } from '../helpers/run-sluice.ts';

// `--in -` lines are arguments, not always files: one longer than a path may be (4096 bytes on
// Linux) was stat'ed to see whether it is a folder or a FIFO, and ENAMETOOLONG ended sluice with
// "This is a bug in sluice" (exit 70) before anything ran.
describe('sluice map with very long arguments', () => {
  it('passes a line longer than a path from standard input as one argument', async () => {
    const line = 'a'.repeat(5000);
    const result = await runSluice(['map', '--in', '-', '--', 'echo'], { cwd: makeTempDir(), stdin: `${line}\nshort\n` });
    assert.equal(result.code, 0, result.stderr.slice(0, 2000));
    assert.deepEqual(result.stdout.split('\n').sort(), ['', line, 'short']);
  });

  it('fails the task, not sluice, when the argument is more than the system takes (E2BIG)', async () => {
    const line = 'b'.repeat(200_000);
    const result = await runSluice(['map', '--in', '-', '--', 'echo'], { cwd: makeTempDir(), stdin: `${line}\n` });
    assert.equal(result.code, 1, result.stderr.slice(0, 2000));
    assert.match(result.stderr, /could not start `echo`: Argument list too long/);
    assert.doesNotMatch(result.stderr, /bug in sluice/);
    assert.match(result.stderr, /characters left out/, 'the command is shown shortened');
  });
});
