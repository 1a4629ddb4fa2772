import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { digestFileSync } from '../../src/state/hashes/digest-file.ts';
import { createHashCache } from '../../src/state/hashes/hash-cache.ts';
import { hashFile } from '../../src/state/hashes/hash-file.ts';
import { openStore } from '../../src/state/store/open-store.ts';
import { withRememberedHashes } from '../../src/state/hashes/remembered-hashes.ts';
import { statFile } from '../../src/state/hashes/stat-file.ts';
import { createHash } from 'node:crypto';

const expectedHash = (text: string): string => createHash('sha256').update(text).digest('hex');
import { makeTempDir } from './helpers.ts';

function setup(): { root: string; calls: string[]; cache: ReturnType<typeof withRememberedHashes> } {
  const root = makeTempDir();
  const store = openStore(root);
  const calls: string[] = [];
  const hasher = async (file: string): Promise<string> => {
    calls.push(path.basename(file));
    return hashFile(file);
  };
  return { root, calls, cache: withRememberedHashes(createHashCache(store, { hasher })) };
}

test('a file digested where it was written is signed without being read again', async () => {
  const { root, calls, cache } = setup();
  const fresh = path.join(root, 'fresh.tsv');
  const other = path.join(root, 'other.tsv');
  fs.writeFileSync(fresh, 'a\tb\n');
  fs.writeFileSync(other, 'c\n');
  const digest = digestFileSync(fresh);
  assert.ok(digest !== undefined);
  cache.remember(fresh, digest);
  const hashes = await cache.hashFiles([fresh, other, path.join(root, 'missing')]);
  assert.equal(hashes.get(fresh), await hashFile(fresh));
  assert.equal(hashes.get(other), await hashFile(other));
  assert.equal(hashes.get(path.join(root, 'missing')), undefined);
  assert.deepEqual(calls, ['other.tsv']);
});

test('a remembered file that changed since is read again', async () => {
  const { root, calls, cache } = setup();
  const file = path.join(root, 'out.csv');
  fs.writeFileSync(file, 'one\n');
  cache.remember(file, (digestFileSync(file))!);
  fs.writeFileSync(file, 'longer\n');
  assert.equal((await cache.hashFiles([file])).get(file), await hashFile(file));
  assert.deepEqual(calls, ['out.csv']);
  fs.rmSync(file);
  assert.equal((await cache.hashFiles([file])).get(file), undefined);
});

test('digestFileSync: undefined for a missing file', async () => {
  const root = makeTempDir();
  assert.equal(digestFileSync(path.join(root, 'nothing')), undefined);
});

test('a file digested while staged is known once renamed into place (the rename moves its ctime)', async () => {
  const { root, calls, cache } = setup();
  const staged = path.join(root, '.staged.tsv');
  const final = path.join(root, 'final.tsv');
  fs.writeFileSync(staged, 'a\tb\n');
  const digest = digestFileSync(staged);
  assert.ok(digest !== undefined);
  await new Promise((resolve) => setTimeout(resolve, 20));
  fs.renameSync(staged, final);
  cache.remember(final, digest);
  assert.equal((await cache.hashFiles([final])).get(final), await hashFile(final));
  assert.deepEqual(calls, []);
});

test('digestFileSync: the hash and stat of what it read, at every size around its buffer (one read ends a file shorter than the buffer)', async () => {
  const root = makeTempDir();
  const MiB = 1024 * 1024;
  for (const size of [0, 1, 4095, MiB - 2, MiB - 1, MiB, MiB + 1, 2.5 * MiB]) {
    const file = path.join(root, `size-${size}`);
    const data = Buffer.alloc(size);
    for (let i = 0; i < size; i += 1) data[i] = (i * 7 + (i >> 11)) & 0xff;
    fs.writeFileSync(file, data);
    const digest = digestFileSync(file);
    assert.ok(digest !== undefined, `size ${size}`);
    assert.equal(digest.hash, await hashFile(file), `size ${size}`);
    const stat = statFile(file)!;
    assert.deepEqual([digest.size, digest.mtimeNs, digest.inode, digest.ctimeNs], [stat.size, stat.mtimeNs, stat.inode, stat.ctimeNs], `size ${size}`);
  }
});

test('a remembered file replaced by another of the same size and mtime is read again (its inode differs)', async () => {
  const { root, calls, cache } = setup();
  const file = path.join(root, 'out.csv');
  const other = path.join(root, 'other.csv');
  fs.writeFileSync(file, 'one\n');
  const digest = digestFileSync(file)!;
  cache.remember(file, digest);
  fs.writeFileSync(other, 'two\n');
  const mtime = new Date(Number(digest.mtimeNs / 1_000_000n));
  fs.utimesSync(other, mtime, mtime);
  fs.renameSync(other, file);
  assert.equal((await cache.hashFiles([file])).get(file), await hashFile(file));
  assert.equal((await cache.hashFiles([file])).get(file), expectedHash('two\n'));
  assert.deepEqual(calls.slice(0, 1), ['out.csv']);
});
