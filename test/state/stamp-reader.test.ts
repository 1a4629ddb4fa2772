// The no-op short cut's stat (state/freshness/stamp-reader.ts): Node's fs binding where it agrees
// with fs.statSync, which must give the very stamps statFile gives, for every kind of path, and
// notice every change statFile notices.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ABSENT, createStampReader, readStampSlowly } from '../../src/state/freshness/stamp-reader.ts';
import { makeTempDir } from './helpers.ts';

function setUp(): { root: string; paths: string[] } {
  const root = makeTempDir();
  fs.mkdirSync(path.join(root, 'folder'));
  fs.writeFileSync(path.join(root, 'file'), 'contents');
  fs.writeFileSync(path.join(root, 'empty'), '');
  fs.symlinkSync('file', path.join(root, 'link'));
  fs.symlinkSync('nowhere', path.join(root, 'dangling'));
  const paths = ['file', 'empty', 'folder', 'link', 'dangling', 'missing', 'file/below', 'missing/below'].map((name) => path.join(root, name));
  return { root, paths };
}

test('the stamp reader gives the stamps statFile gives, ABSENT where there is no file', () => {
  const { root, paths } = setUp();
  const read = createStampReader(path.join(root, 'file'));
  for (const file of paths) assert.equal(read(file), readStampSlowly(file), file);
  assert.equal(read(path.join(root, 'missing')), ABSENT);
  assert.equal(read(path.join(root, 'file/below')), ABSENT, 'a path below a file cannot exist');
  assert.equal(read(path.join(root, 'dangling')), ABSENT, 'a symlink is followed, as statFile does');
  assert.notEqual(read(path.join(root, 'folder')), ABSENT);
});

test('the stamp reader sees a rewrite of the same size, a touch, a replacement and a deletion', () => {
  const { root } = setUp();
  const file = path.join(root, 'file');
  const read = createStampReader(file);
  const before = read(file);
  // One nanosecond later: a stamp keeps the whole mtime.
  const stat = fs.statSync(file, { bigint: true });
  const seconds = Number(stat.mtimeNs / 1_000_000_000n);
  const nanos = Number(stat.mtimeNs % 1_000_000_000n);
  fs.utimesSync(file, seconds, seconds + (nanos + 1000) / 1e9);
  const touched = read(file);
  assert.notEqual(touched, before);
  assert.equal(touched, readStampSlowly(file));
  fs.writeFileSync(path.join(root, 'other'), 'CONTENTS');
  fs.utimesSync(path.join(root, 'other'), seconds, seconds + (nanos + 1000) / 1e9);
  fs.renameSync(path.join(root, 'other'), file);
  assert.notEqual(read(file), touched, 'another file of the same size and mtime has another inode');
  assert.equal(read(file), readStampSlowly(file));
  fs.rmSync(file);
  assert.equal(read(file), ABSENT);
});

test('the stamp reader falls back to fs.statSync where the probe cannot vouch for the binding', () => {
  const { root, paths } = setUp();
  const read = createStampReader(path.join(root, 'missing'));
  assert.equal(read, readStampSlowly, 'a probe that does not exist proves nothing');
  for (const file of paths) assert.equal(read(file), readStampSlowly(file));
});

test('the stamp reader prints no deprecation warning under --pending-deprecation, and still agrees', () => {
  const { paths } = setUp();
  const script = `
    import { createStampReader, readStampSlowly } from ${JSON.stringify(new URL('../../src/state/freshness/stamp-reader.ts', import.meta.url).href)};
    const paths = ${JSON.stringify(paths)};
    const read = createStampReader(paths[0]);
    for (const file of paths) if (read(file) !== readStampSlowly(file)) throw new Error(file);
    process.stdout.write(read === readStampSlowly ? 'slow' : 'fast');
  `;
  for (const flags of [[], ['--pending-deprecation']]) {
    const child = spawnSync(process.execPath, [...flags, '--import', 'tsx', '--input-type=module', '-e', script], { cwd: new URL('../..', import.meta.url), encoding: 'utf8', timeout: 120_000 });
    assert.equal(child.status, 0, child.stderr);
    assert.equal(child.stderr, '', `no warning with ${flags.join(' ') || 'no flags'}`);
    assert.equal(child.stdout, flags.length === 0 ? 'fast' : 'slow');
  }
});
