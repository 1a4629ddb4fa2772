import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { createHashCache } from '../../src/state/hashes/hash-cache.ts';
import type { FileStat } from '../../src/state/hashes/stat-file.ts';
import { hashFile, hashText } from '../../src/state/hashes/hash-file.ts';
import { openStore, type StateStore } from '../../src/state/store/open-store.ts';
import { makeTempDir, writeOldFile } from './helpers.ts';

function setup(): { root: string; store: StateStore; calls: string[]; hasher: (p: string) => Promise<string> } {
  const root = makeTempDir();
  const store = openStore(root);
  const calls: string[] = [];
  const hasher = async (p: string): Promise<string> => {
    calls.push(p);
    return hashFile(p);
  };
  return { root, store, calls, hasher };
}

test('an unchanged file is hashed once; later lookups cost a stat only', async () => {
  const { root, store, calls, hasher } = setup();
  const a = path.join(root, 'a.txt');
  const b = path.join(root, 'b.txt');
  writeOldFile(a, 'alpha');
  writeOldFile(b, 'beta');
  const first = await createHashCache(store, { hasher }).hashFiles([a, b]);
  assert.deepEqual(calls.sort(), [a, b]);
  assert.equal(first.get(a), hashText('alpha'));

  // A new cache object on a reopened store: the rows are in the database, not in memory.
  store.close();
  const reopened = openStore(root);
  const cache = createHashCache(reopened, { hasher });
  const second = await cache.hashFiles([a, b, a]);
  assert.equal(calls.length, 2, 'no file was read again');
  assert.deepEqual(cache.counts, { hits: 2, hashed: 0 });
  assert.deepEqual(second, first);
  reopened.close();
});

test('a touch without a content change re-hashes once and refreshes the row', async () => {
  const { root, store, calls, hasher } = setup();
  const a = path.join(root, 'a.txt');
  writeOldFile(a, 'alpha', 7200);
  const cache = createHashCache(store, { hasher });
  const before = (await cache.hashFiles([a])).get(a);
  const touched = new Date(Date.now() - 3600_000);
  fs.utimesSync(a, touched, touched);

  assert.equal((await cache.hashFiles([a])).get(a), before);
  assert.equal(calls.length, 2, 'the touched file was read again');
  assert.equal((await cache.hashFiles([a])).get(a), before);
  assert.equal(calls.length, 2, 'and then the refreshed row was trusted');
  const row = store.db.prepare('SELECT mtime_ns FROM file_hashes WHERE path = ?').safeIntegers(true).get(a) as { mtime_ns: bigint };
  assert.equal(row.mtime_ns, fs.statSync(a, { bigint: true }).mtimeNs);
  store.close();
});

test('a content change is seen even when size and mtime are put back', async () => {
  const { root, store, hasher } = setup();
  const a = path.join(root, 'a.txt');
  writeOldFile(a, 'alpha');
  const { mtime } = fs.statSync(a);
  const cache = createHashCache(store, { hasher });
  await cache.hashFiles([a]);
  // Same size, same mtime, new inode: written beside it and renamed over it.
  fs.writeFileSync(`${a}.tmp`, 'ALPHA');
  fs.utimesSync(`${a}.tmp`, mtime, mtime);
  fs.renameSync(`${a}.tmp`, a);
  assert.equal((await cache.hashFiles([a])).get(a), hashText('ALPHA'));
  store.close();
});

test('a file written moments ago is racily clean: re-hashed until its mtime is old enough', async () => {
  const { root, store, calls, hasher } = setup();
  const a = path.join(root, 'a.txt');
  fs.writeFileSync(a, 'fresh'); // mtime is now
  const cache = createHashCache(store, { hasher });
  await cache.hashFiles([a]);
  await cache.hashFiles([a]);
  assert.equal(calls.length, 2, 'a rewrite in the same timestamp tick could hide behind the old stat');
  // With no racy window (or once the file is old) the row is trusted.
  const trusting = createHashCache(store, { hasher, racyMarginNs: 0n });
  await trusting.hashFiles([a]);
  await trusting.hashFiles([a]);
  assert.equal(calls.length, 2);
  store.close();
});

test('observe gets the stamp of every file a later run will trust, and of no other', async () => {
  const { root, store, hasher } = setup();
  const old = path.join(root, 'old.txt');
  const fresh = path.join(root, 'fresh.txt');
  writeOldFile(old, 'old');
  fs.writeFileSync(fresh, 'fresh');
  const stamp = (file: string): FileStat => {
    const stat = fs.statSync(file, { bigint: true });
    return { size: stat.size, mtimeNs: stat.mtimeNs, inode: BigInt.asIntN(64, stat.ino), ctimeNs: stat.ctimeNs };
  };
  const first = new Map<string, FileStat>();
  await createHashCache(store, { hasher, observe: first }).hashFiles([old, fresh]);
  assert.deepEqual([...first], [[old, stamp(old)]], 'hashed now: the old file only; the fresh one is racy');
  const second = new Map<string, FileStat>();
  await createHashCache(store, { hasher, observe: second }).hashFiles([old, fresh]);
  assert.deepEqual([...second], [[old, stamp(old)]], 'a trusted row');
  store.close();
});

test('a missing file maps to undefined and relative paths resolve to absolute keys', async () => {
  const { root, store, hasher } = setup();
  writeOldFile(path.join(root, 'here.txt'), 'x');
  const relative = path.relative(process.cwd(), path.join(root, 'here.txt'));
  const result = await createHashCache(store, { hasher }).hashFiles([path.join(root, 'gone.txt'), relative]);
  assert.equal(result.get(path.join(root, 'gone.txt')), undefined);
  assert.ok(result.has(path.join(root, 'gone.txt')));
  assert.equal(result.get(path.join(root, 'here.txt')), hashText('x'));
  store.close();
});

test('a file that changes while it is hashed is not remembered', async () => {
  const { root, store } = setup();
  const a = path.join(root, 'a.txt');
  writeOldFile(a, 'one');
  let calls = 0;
  const meddling = async (p: string): Promise<string> => {
    calls += 1;
    const hash = await hashFile(p);
    fs.writeFileSync(p, 'two, longer');
    return hash;
  };
  const cache = createHashCache(store, { hasher: meddling });
  await cache.hashFiles([a]);
  assert.equal(store.db.prepare('SELECT count(*) FROM file_hashes').pluck().get(), 0);
  store.close();
  assert.equal(calls, 1);
});

test('a file deleted between stat and read counts as missing', async () => {
  const { root, store } = setup();
  const a = path.join(root, 'a.txt');
  writeOldFile(a, 'one');
  const vanishing = async (p: string): Promise<string> => {
    fs.rmSync(p);
    return hashFile(p);
  };
  const result = await createHashCache(store, { hasher: vanishing }).hashFiles([a]);
  assert.equal(result.get(a), undefined);
  store.close();
});

// The survey compares a row's stat and racy margin as SQLite computes them (no BigInt per row):
// each field of the stat must still count, and the margin be compared exactly, with >=.
test('a row is trusted only with the same size, mtime, ctime and inode, hashed at least the margin after the mtime', async () => {
  const { root, store, calls, hasher } = setup();
  const a = path.join(root, 'a.txt');
  writeOldFile(a, 'alpha');
  const stat = fs.statSync(a, { bigint: true });
  const inode = BigInt.asIntN(64, stat.ino);
  const margin = 2_000_000_000n;
  const put = (size: bigint, mtimeNs: bigint, ino: bigint, hashedAtNs: bigint, ctimeNs: bigint | null = stat.ctimeNs): void => {
    store.db
      .prepare('INSERT OR REPLACE INTO file_hashes (path, size, mtime_ns, inode, ctime_ns, hash, hashed_at_ns) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(a, size, mtimeNs, ino, ctimeNs, 'recorded', hashedAtNs);
  };
  const looked = async (): Promise<string | undefined> => (await createHashCache(store, { hasher, racyMarginNs: margin }).hashFiles([a])).get(a);
  put(stat.size, stat.mtimeNs, inode, stat.mtimeNs + margin);
  assert.equal(await looked(), 'recorded', 'hashed exactly the margin after the mtime: trusted');
  assert.equal(calls.length, 0);
  const cases: Array<[string, bigint, bigint, bigint, bigint, (bigint | null)?]> = [
    ['another ctime, by 1 ns (touch -d after a rewrite)', stat.size, stat.mtimeNs, inode, stat.mtimeNs + margin, stat.ctimeNs + 1n],
    ['no ctime: a row of an older version', stat.size, stat.mtimeNs, inode, stat.mtimeNs + margin, null],
    ['one ns short of the margin', stat.size, stat.mtimeNs, inode, stat.mtimeNs + margin - 1n],
    ['another size', stat.size + 1n, stat.mtimeNs, inode, stat.mtimeNs + margin],
    ['another mtime, by 1 ns', stat.size, stat.mtimeNs - 1n, inode, stat.mtimeNs + margin],
    ['another inode', stat.size, stat.mtimeNs, inode + 1n, stat.mtimeNs + margin],
    ['an inode past 2^63, stored negative', stat.size, stat.mtimeNs, -inode - 1n, stat.mtimeNs + margin],
  ];
  for (const [what, size, mtimeNs, ino, hashedAtNs, ctimeNs] of cases) {
    put(size, mtimeNs, ino, hashedAtNs, ctimeNs === undefined ? stat.ctimeNs : ctimeNs);
    const before: number = calls.length;
    assert.equal(await looked(), hashText('alpha'), what);
    assert.equal(calls.length, before + 1, `${what}: read again`);
  }
  store.close();
});
