// A file's lines, streamed through one buffer of about 1 MiB: memory stays the same whatever the
// file holds, a 200 MB file or a 100 MB line. A line longer than LINE_LIMIT bytes (before its
// `\n`) is handed on cut to LINE_LIMIT + 1 bytes, enough for a step to see it is too long and
// reject it; the rest of it is skipped unread into memory. py/diabetes.py reads lines alike.
import fs from 'node:fs';
import { NEWLINE } from './bytes.ts';

/** Bytes a line may have before its `\n`; a longer line is a reject (`line: longer than …`). */
export const LINE_LIMIT = 65536;

const CHUNK = 1 << 20;

export interface LineWindow {
  /** Whole lines; the last ends with `\n`, or is the file's last line. */
  bytes: Buffer;
  /** Where the lines to process now end: after it, up to `bytes.length`, one more line to look ahead at. */
  end: number;
}

export class LineStream {
  private readonly buffer: Buffer;
  private scratch: Buffer | undefined;
  private length = 0;
  private taken = 0;
  private fd = -1;
  private position = 0;
  private eof = true;
  private readonly window: LineWindow = { bytes: Buffer.alloc(0), end: 0 };

  /** `limit`: the longest line passed on whole. */
  constructor(private readonly limit = LINE_LIMIT) {
    this.buffer = Buffer.allocUnsafeSlow(CHUNK + 2 * (limit + 2));
  }

  open(file: string): this {
    this.close();
    this.fd = fs.openSync(file, 'r');
    this.length = 0;
    this.taken = 0;
    this.position = 0;
    this.eof = false;
    return this;
  }

  close(): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
  }

  /** The next lines, valid until the next call; undefined when the file is done. */
  next(): LineWindow | undefined {
    const buffer = this.buffer;
    if (this.taken > 0) {
      buffer.copyWithin(0, this.taken, this.length);
      this.length -= this.taken;
      this.taken = 0;
    }
    for (;;) {
      while (!this.eof && this.length < buffer.length) {
        const count = fs.readSync(this.fd, buffer, this.length, buffer.length - this.length, this.position);
        if (count === 0) this.eof = true;
        else {
          this.length += count;
          this.position += count;
        }
      }
      if (this.eof) return this.length === 0 ? undefined : this.give(this.length, this.length);
      const last = buffer.lastIndexOf(NEWLINE, this.length - 1);
      if (this.length - (last + 1) > this.limit) {
        this.cut(last + 1);
        continue;
      }
      const previous = last === 0 ? -1 : buffer.lastIndexOf(NEWLINE, last - 1);
      // One whole line in a full buffer is a long one: judged without looking past it.
      return this.give(last + 1, previous < 0 ? last + 1 : previous + 1);
    }
  }

  private give(length: number, end: number): LineWindow {
    this.window.bytes = this.buffer.subarray(0, length);
    this.window.end = end;
    this.taken = end;
    return this.window;
  }

  // Keeps the first limit + 1 bytes of the line from `start`, ends it, and skips to its newline.
  private cut(start: number): void {
    this.length = start + this.limit + 1;
    this.buffer[this.length++] = NEWLINE;
    const scratch = (this.scratch ??= Buffer.allocUnsafeSlow(1 << 16));
    for (;;) {
      const count = fs.readSync(this.fd, scratch, 0, scratch.length, this.position);
      if (count === 0) {
        this.eof = true;
        return;
      }
      const newline = scratch.indexOf(NEWLINE);
      if (newline >= 0 && newline < count) {
        this.position += newline + 1;
        return;
      }
      this.position += count;
    }
  }
}

/** Writes all of `bytes[0, length)` to `fd`. */
export function writeAll(fd: number, bytes: Uint8Array, length: number): void {
  let written = 0;
  while (written < length) written += fs.writeSync(fd, bytes, written, length - written);
}

/** Physical lines of a file, streamed: one per `\n`, plus a last one without it. */
export function countFileLines(file: string, buffer: Buffer): number {
  const fd = fs.openSync(file, 'r');
  try {
    let count = 0;
    let last = NEWLINE;
    for (;;) {
      const read = fs.readSync(fd, buffer, 0, buffer.length, null);
      if (read === 0) return last === NEWLINE ? count : count + 1;
      let at = buffer.indexOf(NEWLINE, 0);
      while (at >= 0 && at < read) {
        count++;
        at = buffer.indexOf(NEWLINE, at + 1);
      }
      last = buffer[read - 1] as number;
    }
  } finally {
    fs.closeSync(fd);
  }
}
