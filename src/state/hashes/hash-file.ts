// Content hash of one file. sha256: on CPUs with SHA extensions (this one) it streams about as
// fast as sha1 (1.15 vs 1.2 GiB/s; md5 0.55 GiB/s, test/state/bench-state.ts), and unlike sha1
// it has no known collisions, so two different inputs cannot pass for one. Without the
// extensions sha1 would be about twice as fast; the cache makes that cost rare either way.

import crypto, { createHash } from 'node:crypto';
import fs from 'node:fs';
import { describeSpecialFile, specialFileError } from './describe-special-file.ts';

// Non-blocking, so that a FIFO (even one that replaced the file since it was stat'ed) cannot
// block the open; the fstat after it then refuses anything that is not a file.
const OPEN_FLAGS = fs.constants.O_RDONLY | fs.constants.O_NONBLOCK;

export const HASH_ALGORITHM = 'sha256';

/**
 * Computes a file's content hash; injectable so tests can count calls. `size`, when the caller
 * has just stat'ed the file, spares the hasher a stat of its own.
 */
export type Hasher = (filePath: string, size?: number) => Promise<string>;

// Files are read in chunks of this size into one buffer: memory stays constant for any file, and
// a small file costs a single read.
const CHUNK_BYTES = 1024 * 1024;

// Full-size buffers that no read is using: hashing a thousand large files would otherwise
// allocate a thousand 1 MiB buffers outside the heap, and their pressure triggers garbage
// collections (0.8 s of the main thread's 6 s on the diabetes bench).
const spareChunks: Buffer[] = [];
const MAX_SPARE_CHUNKS = 8;

// Sized to the file when small (many small inputs should not churn 1 MiB buffers), else a spare.
function takeBuffer(size: number): Buffer {
  return size + 1 >= CHUNK_BYTES ? (spareChunks.pop() ?? Buffer.allocUnsafeSlow(CHUNK_BYTES)) : Buffer.allocUnsafe(size + 1);
}

function giveBack(buffer: Buffer | undefined): void {
  if (buffer?.length === CHUNK_BYTES && spareChunks.length < MAX_SPARE_CHUNKS) spareChunks.push(buffer);
}

// Files this thread holds open to hash, at most: every caller at once (a run asks ahead for the
// decisions of up to 9 tasks per slot, each hashing its inputs) would otherwise open hundreds and
// meet the open-files limit (`ulimit -n`, often 1024) on a many-core machine. The thread pool that
// reads them has 4 threads; more open files than that buy nothing.
const MAX_OPEN = 16;
let held = 0;
const waiting: Array<() => void> = [];

export async function hashFile(filePath: string): Promise<string> {
  if (held >= MAX_OPEN) await new Promise<void>((resolve) => waiting.push(resolve));
  else held += 1;
  try {
    return await hashOpened(filePath);
  } finally {
    // The slot passes to the next waiter as it is; none waiting, it is freed.
    const next = waiting.shift();
    if (next === undefined) held -= 1;
    else next();
  }
}

async function hashOpened(filePath: string): Promise<string> {
  const handle = await fs.promises.open(filePath, OPEN_FLAGS).catch((error: unknown) => refuseSocket(filePath, error));
  let buffer: Buffer | undefined;
  try {
    const hash = createHash(HASH_ALGORITHM);
    const stat = await handle.stat();
    const special = describeSpecialFile(stat);
    if (special !== undefined) throw specialFileError(`\`${filePath}\``, special);
    const { size } = stat;
    buffer = takeBuffer(size);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
    }
    return hash.digest('hex');
  } finally {
    giveBack(buffer);
    await handle.close();
  }
}

/**
 * `hashFile` without the thread pool, for a thread with nothing else to do (a worker thread that
 * just wrote the file): each asynchronous call is a wake-up of another thread and back.
 */
export function hashFileSync(filePath: string): string {
  const fd = openToHash(filePath);
  try {
    return hashOpenFile(filePath, fd, fs.fstatSync(fd));
  } finally {
    fs.closeSync(fd);
  }
}

/** Opens a file for `hashOpenFile`, refusing a socket as the other special files are. */
export function openToHash(filePath: string): number {
  try {
    return fs.openSync(filePath, OPEN_FLAGS);
  } catch (error) {
    return refuseSocket(filePath, error);
  }
}

/**
 * The content hash of the open file `fd`, whose `stat` was just taken. Once a regular file's
 * stat'ed size is read, a read shorter than asked is its end: no second read to find it (a file
 * that grew since shows in a stat taken after, which a caller that needs the hash and stat to
 * agree compares). A short read before that size (a network file system may return one) reads on.
 */
export function hashOpenFile(filePath: string, fd: number, stat: fs.Stats | fs.BigIntStats): string {
  const special = describeSpecialFile(stat);
  if (special !== undefined) throw specialFileError(`\`${filePath}\``, special);
  const size = Number(stat.size);
  const buffer = takeBuffer(size);
  try {
    const hash = createHash(HASH_ALGORITHM);
    let total = 0;
    for (;;) {
      const bytesRead = fs.readSync(fd, buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      total += bytesRead;
      if (bytesRead < buffer.length && total >= size && stat.isFile()) break;
    }
    return hash.digest('hex');
  } finally {
    giveBack(buffer);
  }
}

// A unix socket cannot be opened at all (ENXIO): said as the other special files are.
function refuseSocket(filePath: string, error: unknown): never {
  if ((error as NodeJS.ErrnoException).code === 'ENXIO' && fs.statSync(filePath, { throwIfNoEntry: false })?.isSocket() === true) {
    throw specialFileError(`\`${filePath}\``, 'a socket');
  }
  throw error;
}

/** Hash of a string, for signatures. One-shot `crypto.hash` (Node >= 20.12) is twice as fast. */
export const hashText: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash(HASH_ALGORITHM, text, 'hex')
    : (text) => createHash(HASH_ALGORITHM).update(text).digest('hex');
