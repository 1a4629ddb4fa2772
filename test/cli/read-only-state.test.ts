import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir, runSluice } from '../helpers/run-sluice.ts';

// `.sluice/` on a read-only file system (a read-only bind mount, so that root sees it too): a dry
// run, `status` and a run say the folder is read-only (exit 3). Before, the dry run said "Cannot
// open the state database ...: unable to open database file. If it is damaged, delete it", which
// would have the user delete a sound database.

describe('a read-only .sluice/', () => {
  it('is named as read-only by a dry run, never called damaged', async (t) => {
    if (process.getuid?.() !== 0) return t.skip('needs root for a read-only bind mount');
    const dir = makeTempDir('sluice-ro-state-');
    fs.writeFileSync(path.join(dir, 'a.txt'), 'a\n');
    const args = ['map', '--in', '*.txt', '--out', 'out/{stem}.o', '--', 'cat'];
    const first = await runSluice(args, { cwd: dir });
    assert.equal(first.code, 0, first.stderr);
    fs.writeFileSync(path.join(dir, 'b.txt'), 'b\n');
    const state = path.join(dir, '.sluice');
    try {
      execFileSync('mount', ['--bind', state, state], { stdio: 'pipe' });
      execFileSync('mount', ['-o', 'remount,ro,bind', state], { stdio: 'pipe' });
    } catch (error) {
      return t.skip(`could not mount: ${(error as Error).message.split('\n')[0]}`);
    }
    try {
      for (const extra of [['-n'], []]) {
        const result = await runSluice([...args.slice(0, 1), ...extra, ...args.slice(1)], { cwd: dir });
        assert.equal(result.code, 3, result.stderr);
        assert.match(result.stderr, /sluice cannot write .*\.sluice.*: the file system is read-only/);
        assert.doesNotMatch(result.stderr, /damaged|delete it/);
      }
      assert.equal(fs.existsSync(path.join(dir, 'out/b.o')), false);
    } finally {
      execFileSync('umount', [state]);
    }
  });
});
