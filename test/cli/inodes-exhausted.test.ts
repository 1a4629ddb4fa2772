// A file system out of inodes (many small files: `df -i`), with space left: no new file can be
// made there. A task whose captures the launcher could not make failed with "could not start
// `sh`: No space left on device: cannot run `sh`" (exit 1), as though the program were at fault,
// and the run went on failing the next. Now the run stops with the disk-full paragraph naming the
// log, exit 3, and once files are removed the next run redoes exactly what did not finish.
// On a small tmpfs (nr_inodes), so as root only.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir, runSluice } from '../helpers/run-sluice.ts';
import { useSmallTmpfs } from '../helpers/small-tmpfs.ts';

const STACK = /\n\s+at .+:\d+:\d+/;

describe('a file system out of inodes', () => {
  const tmpfs = useSmallTmpfs('sluice-inodes-', 'size=64m,nr_inodes=600');

  it('stops the run naming the log it could not make, then redoes only what did not finish', async (t) => {
    if (tmpfs.mount === undefined) return t.skip(tmpfs.why);
    const dir = path.join(tmpfs.mount, 'project');
    const fill = path.join(tmpfs.mount, 'fill');
    fs.mkdirSync(dir);
    fs.mkdirSync(fill);
    const ran = path.join(makeTempDir('sluice-inodes-ran-'), 'ran');
    // Task 3 writes its output, then makes empty files until no inode is left.
    const script = `echo "$0" >> ${ran}; echo "$0" > "$1"; if [ "$0" = 3 ]; then (i=0; while :; do : > ${fill}/$i; i=$((i+1)); done) 2>/dev/null || true; fi`;
    const map = ['map', '-j', '1', '--out', 'out/{}.txt', '--', 'sh', '-c', script, '{}', '{out}', ':::', '1', '2', '3', '4', '5', '6'];
    let result;
    try {
      result = await runSluice(map, { cwd: dir });
    } finally {
      // Before any assertion: a failed one would leave the next test no inode either.
      fs.rmSync(fill, { recursive: true });
    }
    assert.equal(result.code, 3, `${result.stderr}`.slice(0, 3000));
    // Which new file meets the full table first is a race: the log of the task the launcher
    // starts next, or the staging folder of one sluice hands it ahead; each is the paragraph.
    assert.match(
      result.stderr,
      /The disk is full: (task `map\[in=\d\]` failed writing its log \S+\/\.sluice\/logs\/\S+, whose file system had no space left|sluice could not write \S+\/out\/\.sluice-tmp-\S+ \(ENOSPC.*\): its file system had no space left for a new file)/,
    );
    assert.doesNotMatch(result.stderr, /cannot run `sh`/);
    assert.doesNotMatch(result.stderr, STACK);
    const kept = fs.readdirSync(path.join(dir, 'out')).filter((name) => !name.startsWith('.'));
    assert.ok(kept.includes('3.txt') && kept.length < 6, `kept ${kept.join(' ')}`);

    fs.rmSync(ran);
    const freed = await runSluice(map, { cwd: dir });
    assert.equal(freed.code, 0, freed.stderr);
    assert.equal(fs.readFileSync(ran, 'utf8').trim().split('\n').length, 6 - kept.length, 'only what did not finish ran again');
    for (let i = 1; i <= 6; i += 1) assert.equal(fs.readFileSync(path.join(dir, 'out', `${i}.txt`), 'utf8'), `${i}\n`);
  });

  // SQLite said only "unable to open database file", and sluice then "If it is damaged, delete
  // it", of a sound database.
  it('before the run: says the disk is full, not that the state database may be damaged', async (t) => {
    if (tmpfs.mount === undefined) return t.skip(tmpfs.why);
    const dir = path.join(tmpfs.mount, 'before');
    const fill = path.join(tmpfs.mount, 'fill-before');
    fs.mkdirSync(dir);
    fs.mkdirSync(fill);
    const map = ['map', '-q', '--out', 'out/{}.txt', '--', 'sh', '-c', 'echo "$0" > "$1"', '{}', '{out}', ':::', '1', '2'];
    assert.equal((await runSluice(map, { cwd: dir })).code, 0);
    fs.rmSync(path.join(dir, 'out'), { recursive: true });
    try {
      for (let i = 0; ; i += 1) fs.writeFileSync(path.join(fill, String(i)), '');
    } catch (error) {
      assert.equal((error as NodeJS.ErrnoException).code, 'ENOSPC');
    }
    let result;
    try {
      result = await runSluice(map, { cwd: dir });
    } finally {
      fs.rmSync(fill, { recursive: true });
    }
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stderr, /^sluice: The disk is full: sluice could not write \S+\/\.sluice\/\S+ \(.*\): its file system had no space left for a new file \(no free inodes/);
    assert.doesNotMatch(result.stderr, /damaged|delete it/);
    assert.doesNotMatch(result.stderr, STACK);
    const freed = await runSluice(map, { cwd: dir });
    assert.equal(freed.code, 0, freed.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'out', '2.txt'), 'utf8'), '2\n');
  });
});
