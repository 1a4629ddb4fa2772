// `sluice status` on a full disk: SQLite cannot grow the database's shared-memory file and says
// only "disk I/O error" (SQLITE_IOERR_SHMSIZE). Before, sluice passed that on as a failing disk:
// "The disk failed to read or write .../state.db ... Check the disk (dmesg may say more)". Now it
// is the disk-full paragraph, exit 3. On a small tmpfs, so as root only.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { runSluice } from '../helpers/run-sluice.ts';
import { useSmallTmpfs } from '../helpers/small-tmpfs.ts';

describe('`sluice status` on a full disk', () => {
  const tmpfs = useSmallTmpfs('sluice-status-full-', 'size=4m');

  it('says the disk is full, not that it failed', async (t) => {
    if (tmpfs.mount === undefined) return t.skip(tmpfs.why);
    const dir = path.join(tmpfs.mount, 'project');
    fs.mkdirSync(path.join(dir, 'data'), { recursive: true });
    for (let i = 1; i <= 3; i += 1) fs.writeFileSync(path.join(dir, 'data', `${i}.txt`), `line ${i}\n`);
    fs.writeFileSync(
      path.join(dir, 'pipeline.ts'),
      "import { pipeline, step, cmd } from 'sluice';\nexport default pipeline({ steps: () => ({ copy: step({ in: 'data/{n}.txt', out: 'out/{n}.txt', run: cmd('cp', '{in}', '{out}') }) }) });\n",
    );
    assert.equal((await runSluice(['run'], { cwd: dir })).code, 0);
    const filler = path.join(tmpfs.mount, 'fill');
    const { bavail, bsize } = fs.statfsSync(tmpfs.mount);
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
