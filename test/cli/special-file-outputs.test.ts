import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir, runSluice } from '../helpers/run-sluice.ts';

// Outputs are renamed into place, and a rename replaces whatever stands there. Before, `--out
// o/fifo` over a FIFO, or over a device (`--out /dev/null`, run as root), left a regular file in
// its place and a success. Now the task fails, the FIFO or device is left as it was.
function project(): string {
  const cwd = makeTempDir('sluice-special-out-');
  fs.mkdirSync(path.join(cwd, 'o'));
  fs.writeFileSync(path.join(cwd, 'a.txt'), 'a\n');
  return cwd;
}

describe('an output path where a FIFO or a device stands', () => {
  it('is never replaced: the task fails, saying what stands there', async () => {
    const cwd = project();
    execFileSync('mkfifo', [path.join(cwd, 'o/fifo')]);
    const result = await runSluice(['map', '--in', 'a.txt', '--out', 'o/fifo', '--', 'cat'], { cwd });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /Expected output `.*\/o\/fifo` to be a file, got a FIFO, which sluice never replaces/);
    assert.equal(fs.lstatSync(path.join(cwd, 'o/fifo')).isFIFO(), true);
    assert.deepEqual(fs.readdirSync(path.join(cwd, 'o')), ['fifo'], 'no temporary left');
  });

  it('is never replaced when it is a device (a copy of /dev/null)', { skip: process.getuid?.() !== 0 ? 'mknod needs root' : false }, async () => {
    const cwd = project();
    execFileSync('mknod', [path.join(cwd, 'o/null'), 'c', '1', '3']);
    const result = await runSluice(['map', '--in', 'a.txt', '--out', 'o/null', '--', 'cat'], { cwd });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /got a character device, which sluice never replaces/);
    assert.equal(fs.lstatSync(path.join(cwd, 'o/null')).isCharacterDevice(), true);
  });
});
