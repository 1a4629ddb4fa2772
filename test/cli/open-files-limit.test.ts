// Under a low open-files limit (`ulimit -n`), a run with many slots and many inputs succeeds.
// Before, a first run hashed the inputs of every task it decided ahead (9 per slot) all at once:
// `-j 32` under `ulimit -n 128` (as `-j 128`, a 128-core machine's default, under the usual 1024)
// failed its tasks with "sluice could not run the task: EMFILE: too many open files".

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir, runSluice } from '../helpers/run-sluice.ts';

describe('a low open-files limit', () => {
  it('holds few inputs open at once, however many tasks are decided ahead', async () => {
    const dir = makeTempDir('sluice-open-files-');
    fs.mkdirSync(path.join(dir, 'data'));
    for (let i = 1; i <= 300; i += 1) fs.writeFileSync(path.join(dir, 'data', `${i}.txt`), `line ${i}\n`);
    const map = ['map', '-j', '32', '--in', 'data/*.txt', '--out', 'out/{name}', '--', 'cp', '{in}', '{out}'];
    const first = await runSluice(map, { cwd: dir, openFiles: 128 });
    assert.equal(first.code, 0, first.stderr.slice(0, 2000));
    assert.match(first.stderr, /300 tasks: 300 succeeded/);
    for (let i = 1; i <= 300; i += 1) assert.equal(fs.readFileSync(path.join(dir, 'out', `${i}.txt`), 'utf8'), `line ${i}\n`);
    const again = await runSluice(map, { cwd: dir, openFiles: 128 });
    assert.equal(again.code, 0, again.stderr.slice(0, 2000));
    assert.match(again.stderr, /300 up to date/);
  });
});
