// `sluice status` on a full disk: SQLite cannot grow the database's shared-memory file and says
// only "disk I/O error" (SQLITE_IOERR_SHMSIZE). Before, sluice passed that on as a failing disk:
// "The disk failed to read or write .../state.db ... Check the disk (dmesg may say more)". Now it
// is the disk-full paragraph, exit 3. On a small tmpfs, so as root only.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeTempDir, runSluice } from '../helpers/run-sluice.ts';

describe('`sluice status` on a full disk', () => {
  let mount: string | undefined;
  let why = '';
  before(() => {
    if (process.getuid?.() !== 0) {
      why = 'needs root to mount a small tmpfs';
      return;
    }
    const point = makeTempDir('sluice-status-full-');
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', point], { stdio: 'pipe' });
      mount = point;
    } catch (error) {
      why = `could not mount a tmpfs: ${(error as Error).message.split('\n')[0]}`;
    }
  });
  after(() => {
    if (mount !== undefined) execFileSync('umount', [mount]);
  });

  it('says the disk is full, not that it failed', async (t) => {
    if (mount === undefined) return t.skip(why);
    const dir = path.join(mount, 'project');
    fs.mkdirSync(path.join(dir, 'data'), { recursive: true });
    for (let i = 1; i <= 3; i += 1) fs.writeFileSync(path.join(dir, 'data', `${i}.txt`), `line ${i}\n`);
    fs.writeFileSync(
      path.join(dir, 'pipeline.ts'),
      "import { pipeline, step, cmd } from 'sluice';\nexport default pipeline({ steps: () => ({ copy: step({ in: 'data/{n}.txt', out: 'out/{n}.txt', run: cmd('cp', '{in}', '{out}') }) }) });\n",
    );
    assert.equal((await runSluice(['run'], { cwd: dir })).code, 0);
    const filler = path.join(mount, 'fill');
    const { bavail, bsize } = fs.statfsSync(mount);
    fs.writeFileSync(filler, Buffer.alloc(Number(bavail) * Number(bsize)));
    let result;
    try {
      result = await runSluice(['status'], { cwd: dir });
    } finally {
      fs.rmSync(filler);
    }
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stderr, /^sluice: The disk is full: sluice could not write \S+\/\.sluice\/state\.db \(/);
    assert.doesNotMatch(result.stderr, /Check the disk/);
    const freed = await runSluice(['status'], { cwd: dir });
    assert.equal(freed.code, 0, freed.stderr);
  });
});
