// Lines of the input file by number, for quoting rejected records as read.
import { NEWLINE, RETURN } from './bytes.ts';
import { LINE_LIMIT, LineStream } from './line-stream.ts';

/**
 * Reads lines of a file by number, forwards only; for quoting rejected records as read. From a
 * buffer, or streamed: then a line too long comes cut to LINE_LIMIT bytes.
 */
export class LineCursor {
  private line = 1;
  private start = 0;
  private bytes: Buffer;
  private end: number;

  constructor(private readonly source: Buffer | LineStream) {
    this.bytes = Buffer.isBuffer(source) ? source : Buffer.alloc(0);
    this.end = this.bytes.length;
  }

  read(line: number): string {
    for (;;) {
      while (this.line < line) {
        const newline = this.bytes.indexOf(NEWLINE, this.start);
        if (newline < 0 || newline >= this.end) break;
        this.start = newline + 1;
        this.line++;
      }
      if (this.line === line && this.start < this.end) break;
      if (!this.more()) throw new Error(`The input has no line ${line}: the dated records do not match it (run the dates step again)`);
    }
    let end = this.bytes.indexOf(NEWLINE, this.start);
    if (end < 0 || end > this.end) end = this.end;
    if (end - this.start > LINE_LIMIT) return this.bytes.toString('latin1', this.start, this.start + LINE_LIMIT);
    if (end > this.start && this.bytes[end - 1] === RETURN) end--;
    return this.bytes.toString('latin1', this.start, end);
  }

  // The next window of a stream; the lines before `start` are done.
  private more(): boolean {
    if (Buffer.isBuffer(this.source)) return false;
    const window = this.source.next();
    if (window === undefined) return false;
    this.bytes = window.bytes;
    this.end = window.end;
    this.start = 0;
    return true;
  }
}
