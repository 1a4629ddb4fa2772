// What an attempt's captured stream leaves in `.sluice/logs/`: nothing when the task wrote
// nothing to it (100,000 quiet tasks used to leave 200,000 empty files per run), and at most
// the cap when it wrote more: its first and last parts, with a line saying how much was cut.

import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import { writeFileAtomicallyAsync } from '../../kernel/write-atomically.ts';

/**
 * Bounds one captured stream once its attempt has ended; returns whether a file is left. Never
 * throws. The
 * stat and the removal are synchronous (microseconds each, see atomic-outputs.ts); the rare
 * trim reads and writes at most `capBytes`. `knownSize`: the size the launcher found as the task
 * ended, having removed the file if it was empty (undefined or -1: not known, looked at here).
 */
export async function boundCapture(file: string, capBytes: number, knownSize?: number): Promise<boolean> {
  if (knownSize !== undefined && knownSize >= 0) {
    if (knownSize === 0) return false;
    if (knownSize <= capBytes) return true;
  }
  let size: number;
  try {
    const stat = fsSync.statSync(file, { throwIfNoEntry: false });
    if (stat === undefined || !stat.isFile()) return false;
    size = stat.size;
  } catch {
    return false;
  }
  if (size === 0) {
    try {
      fsSync.unlinkSync(file);
    } catch {
      // Gone already, or not ours to remove: nothing is lost either way.
    }
    return false;
  }
  if (size > capBytes) {
    try {
      await trimToCap(file, size, capBytes);
    } catch {
      // Left whole (a full disk, say): a log too long is better than a failed run.
      await fs.rm(`${file}.${process.pid}.trim`, { force: true });
    }
  }
  return true;
}

async function trimToCap(file: string, size: number, capBytes: number): Promise<void> {
  const headBytes = Math.ceil(capBytes / 2);
  const tailBytes = capBytes - headBytes;
  const handle = await fs.open(file, 'r');
  let head: Buffer;
  let tail: Buffer;
  try {
    head = Buffer.alloc(headBytes);
    await handle.read(head, 0, headBytes, 0);
    tail = Buffer.alloc(tailBytes);
    if (tailBytes > 0) await handle.read(tail, 0, tailBytes, size - tailBytes);
  } finally {
    await handle.close();
  }
  // Whole lines where a line break is near: the head up to its last one, the tail from its first.
  const headEnd = head.lastIndexOf(0x0a);
  if (headEnd >= headBytes / 2) head = head.subarray(0, headEnd + 1);
  const tailStart = tail.indexOf(0x0a);
  if (tailStart >= 0 && tailStart < tailBytes / 2) tail = tail.subarray(tailStart + 1);
  const cut = size - head.length - tail.length;
  const note =
    `${head.length > 0 && head[head.length - 1] !== 0x0a ? '\n' : ''}` +
    `[sluice: ${cut} bytes cut here; the stream wrote ${size} bytes, more than the ${capBytes} kept per stream (SLUICE_LOG_CAP)]\n`;
  await writeFileAtomicallyAsync(file, Buffer.concat([head, Buffer.from(note), tail]));
}
