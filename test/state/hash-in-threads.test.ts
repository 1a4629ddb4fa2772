import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { hashFile } from '../../src/state/hashes/hash-file.ts';
import { createThreadHasher } from '../../src/state/hashes/hash-in-threads.ts';
import { makeTempDir } from './helpers.ts';

test('large files are hashed on worker threads, small ones here, to the same hashes', async () => {
  const dir = makeTempDir();
  const small = path.join(dir, 'small.txt');
  fs.writeFileSync(small, 'hello\n');
  const large = [1, 2, 3].map((n) => path.join(dir, `large-${n}.bin`));
  for (const [n, file] of large.entries()) fs.writeFileSync(file, Buffer.alloc(3 * 1024 * 1024 + n, n + 1));
  const hasher = createThreadHasher(2);
  try {
    const hashes = await Promise.all([small, ...large].map((file) => hasher.hash(file)));
    assert.deepEqual(hashes, await Promise.all([small, ...large].map((file) => hashFile(file))));
    await assert.rejects(hasher.hash(path.join(dir, 'missing')), { code: 'ENOENT' });
  } finally {
    await hasher.close();
  }
});

test('a file deleted between its size and its read rejects with ENOENT, as hashFile does', async () => {
  const dir = makeTempDir();
  const file = path.join(dir, 'going.bin');
  fs.writeFileSync(file, Buffer.alloc(1024 * 1024));
  const hasher = createThreadHasher(1);
  try {
    const pending = hasher.hash(file);
    fs.rmSync(file);
    // Either it was read before the delete, or it says ENOENT; never another error.
    await pending.then(
      (hash) => assert.match(hash, /^[0-9a-f]{64}$/),
      (error: NodeJS.ErrnoException) => assert.equal(error.code, 'ENOENT'),
    );
  } finally {
    await hasher.close();
  }
});
