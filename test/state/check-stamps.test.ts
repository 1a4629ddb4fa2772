// The no-op short cut's stat (state/freshness/check-stamps.ts): Node's fs binding where it agrees
// with fs.statSync. It must judge every kind of path as statFile's stamps do, and notice every
// change statFile notices.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { statFile } from '../../src/state/hashes/stat-file.ts';
import { ABSENT, checkStampSlowly, createStampCheck, fullStampOf, STAMP_WORDS, stampWords, type StampCheck } from '../../src/state/freshness/check-stamps.ts';
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

const stampNow = (file: string): string => {
  const stat = statFile(file);
  return stat === undefined ? ABSENT : fullStampOf(stat);
};

/** Whether `check` finds `file` unchanged since it had `stamp`. */
const holds = (check: StampCheck, file: string, stamp: string): boolean => check(file, [0, ...stampWords(stamp)], 1);

test('stamp words keep every field whole: size, mtime to the nanosecond (before 1970 too), a 64-bit inode', () => {
  const stamps = [
    '0:0:0:0',
    '5:1700000000123456789:42:1700000000123456789',
    '9007199254740993:1:-1:1',
    '1:-1:9223372036854775807:-1',
    '1:-1500000000:-9223372036854775808:-1500000000',
    '1:-1500000000:-9223372036854775808:-1500000001',
    ABSENT,
  ];
  const words = stamps.map(stampWords);
  for (const each of words) assert.equal(each.length, STAMP_WORDS);
  assert.equal(new Set(words.map((each) => each.join(','))).size, stamps.length, 'no two stamps share words');
  assert.notDeepEqual(stampWords('5:1700000000123456789:42:7'), stampWords('5:1700000000123456788:42:7'));
  assert.notDeepEqual(stampWords('5:1700000000123456789:42:7'), stampWords('5:1700000000123456789:42:8'), 'ctime');
  assert.notDeepEqual(stampWords('9007199254740992:1:1:1'), stampWords('9007199254740993:1:1:1'), 'beyond 2^53, where a double would round');
});

test('the stamp check judges every kind of path as statFile does, ABSENT where there is no file', () => {
  const { root, paths } = setUp();
  const check = createStampCheck(path.join(root, 'file'));
  assert.notEqual(check, checkStampSlowly, 'the fast check, on this Node');
  for (const file of paths) {
    const stamp = stampNow(file);
    assert.equal(holds(check, file, stamp), true, file);
    assert.equal(holds(checkStampSlowly, file, stamp), true, file);
    const other = stamp === ABSENT ? '0:0:0:0' : ABSENT;
    assert.equal(holds(check, file, other), false, file);
    assert.equal(holds(checkStampSlowly, file, other), false, file);
  }
  for (const name of ['missing', 'file/below', 'dangling']) assert.equal(stampNow(path.join(root, name)), ABSENT);
});

test('the stamp check sees a touch by a microsecond, a same-size replacement and a deletion', () => {
  const { root } = setUp();
  const file = path.join(root, 'file');
  for (const check of [createStampCheck(file), checkStampSlowly]) {
    fs.writeFileSync(file, 'contents');
    const before = stampNow(file);
    assert.equal(holds(check, file, before), true);
    const stat = fs.statSync(file, { bigint: true });
    const seconds = Number(stat.mtimeNs / 1_000_000_000n);
    const nanos = Number(stat.mtimeNs % 1_000_000_000n);
    fs.utimesSync(file, seconds, seconds + (nanos + 1000) / 1e9);
    assert.equal(holds(check, file, before), false, 'touched');
    const touched = stampNow(file);
    fs.writeFileSync(path.join(root, 'other'), 'CONTENTS');
    fs.utimesSync(path.join(root, 'other'), seconds, seconds + (nanos + 1000) / 1e9);
    fs.renameSync(path.join(root, 'other'), file);
    assert.equal(holds(check, file, touched), false, 'another file of the same size and mtime has another inode');
    fs.appendFileSync(file, 'more');
    assert.equal(holds(check, file, stampNow(file)), true);
    fs.rmSync(file);
    assert.equal(holds(check, file, ABSENT), true);
    assert.equal(holds(check, file, touched), false, 'deleted');
  }
});

test('the stamp check falls back to fs.statSync where the probe cannot vouch for the binding', () => {
  const { root, paths } = setUp();
  const check = createStampCheck(path.join(root, 'missing'));
  assert.equal(check, checkStampSlowly, 'a probe that does not exist proves nothing');
  for (const file of paths) assert.equal(holds(check, file, stampNow(file)), true);
});

test('the stamp check prints no deprecation warning under --pending-deprecation, and still judges alike', () => {
  const { paths } = setUp();
  const script = `
    import { createStampCheck, checkStampSlowly, stampWords, fullStampOf, ABSENT } from ${JSON.stringify(new URL('../../src/state/freshness/check-stamps.ts', import.meta.url).href)};
    import { statFile } from ${JSON.stringify(new URL('../../src/state/hashes/stat-file.ts', import.meta.url).href)};
    const paths = ${JSON.stringify(paths)};
    const check = createStampCheck(paths[0]);
    for (const file of paths) {
      const stat = statFile(file);
      if (!check(file, stampWords(stat === undefined ? ABSENT : fullStampOf(stat)), 0)) throw new Error(file);
    }
    process.stdout.write(check === checkStampSlowly ? 'slow' : 'fast');
  `;
  for (const flags of [[], ['--pending-deprecation']]) {
    const child = spawnSync(process.execPath, [...flags, '--import', 'tsx', '--input-type=module', '-e', script], { cwd: new URL('../..', import.meta.url), encoding: 'utf8', timeout: 120_000 });
    assert.equal(child.status, 0, child.stderr);
    assert.equal(child.stderr, '', `no warning with ${flags.join(' ') || 'no flags'}`);
    assert.equal(child.stdout, flags.length === 0 ? 'fast' : 'slow');
  }
});
