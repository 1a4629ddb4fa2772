import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { HASH_ALGORITHM, hashFile, hashFileSync, hashOpenFile, hashText } from '../../src/state/hashes/hash-file.ts';
import { makeTempDir } from './helpers.ts';

const expected = (data: Buffer | string): string => createHash(HASH_ALGORITHM).update(data).digest('hex');

test('hashFile hashes the content of small, empty and multi-chunk files', async () => {
  const dir = makeTempDir();
  const small = path.join(dir, 'small.txt');
  const empty = path.join(dir, 'empty');
  const large = path.join(dir, 'large.bin');
  fs.writeFileSync(small, 'hello\n');
  fs.writeFileSync(empty, '');
  // 5.5 chunks of 1 MiB with varied bytes, so chunk boundaries matter.
  const data = Buffer.alloc(5.5 * 1024 * 1024);
  for (let i = 0; i < data.length; i += 1) data[i] = (i * 31 + (i >> 13)) & 0xff;
  fs.writeFileSync(large, data);

  assert.equal(await hashFile(small), expected('hello\n'));
  assert.equal(await hashFile(empty), expected(''));
  assert.equal(await hashFile(large), expected(data));
  // Twice each, concurrently: the reused read buffers must never be shared by two reads.
  const twice = await Promise.all([hashFile(large), hashFile(large), hashFile(small)]);
  assert.deepEqual(twice, [expected(data), expected(data), expected('hello\n')]);
  for (const [file, content] of [[small, 'hello\n'], [empty, ''], [large, data]] as const) {
    assert.equal(hashFileSync(file), expected(content));
  }
});

test('hashFile rejects for a missing file', async () => {
  const dir = makeTempDir();
  await assert.rejects(hashFile(path.join(dir, 'nope')), { code: 'ENOENT' });
  assert.throws(() => hashFileSync(path.join(dir, 'nope')), { code: 'ENOENT' });
});

test('hashText is the same algorithm over UTF-8 text', () => {
  assert.equal(hashText('é'), expected(Buffer.from('é', 'utf8')));
});

test('hashFile and hashFileSync refuse a FIFO, a socket and a device without blocking', { timeout: 20_000 }, async () => {
  const dir = makeTempDir();
  const fifo = path.join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  const server = net.createServer();
  const socket = path.join(dir, 'socket');
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  try {
    for (const [file, kind] of [[fifo, 'a FIFO'], [socket, 'a socket'], ['/dev/zero', 'a character device']] as const) {
      const message = `Expected \`${file}\` to be a regular file, got ${kind}`;
      await assert.rejects(hashFile(file), { message, code: 'ESPECIAL' });
      assert.throws(() => hashFileSync(file), { message, code: 'ESPECIAL' });
    }
    assert.equal(await hashFile('/dev/null'), expected(''));
  } finally {
    server.close();
  }
});

// A file system may return a read shorter than asked before the end (a network one; Linux's
// seq_files, such as /proc/kallsyms, give about a page a read): hashing reads on until the size
// it stat'ed, where stopping at the first short read hashed only the first page.
test('hashOpenFile reads past a short read until the stat\'ed size', (t) => {
  const source = '/proc/kallsyms';
  let content: Buffer;
  try {
    content = fs.readFileSync(source);
  } catch {
    t.skip(`${source} cannot be read here: no file returns short reads to test with`);
    return;
  }
  if (content.length < 64 * 1024) {
    t.skip(`${source} is too short here (${content.length} bytes) to give short reads`);
    return;
  }
  // A regular file's stat of that size stands for the one a network file system would give.
  const sized = path.join(makeTempDir(), 'sized');
  fs.writeFileSync(sized, '');
  fs.truncateSync(sized, content.length);
  const fd = fs.openSync(source, 'r');
  try {
    assert.equal(hashOpenFile(source, fd, fs.statSync(sized)), expected(content));
  } finally {
    fs.closeSync(fd);
  }
});
