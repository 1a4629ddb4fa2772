// Byte values the steps compare against, and small helpers over latin1 buffers.

export const TAB = 0x09;
export const NEWLINE = 0x0a;
export const RETURN = 0x0d;
export const COMMA = 0x2c;
export const QUOTE = 0x22;
export const DASH = 0x2d;
export const COLON = 0x3a;
export const DOT = 0x2e;
export const ZERO = 0x30;
export const BANG = 0x21;

/** Whether `byte` is an ASCII digit. */
export function isDigit(byte: number | undefined): boolean {
  return byte !== undefined && byte >= 0x30 && byte <= 0x39;
}

/** The value of `count` digits at `start` (the caller has checked they are digits). */
export function readDigits(bytes: Uint8Array, start: number, count: number): number {
  let value = 0;
  for (let index = start; index < start + count; index++) value = value * 10 + (bytes[index] as number) - ZERO;
  return value;
}

/** Where the line starting at `start` ends: its newline, or the end of the buffer. */
export function findLineEnd(bytes: Buffer, start: number): number {
  const newline = bytes.indexOf(NEWLINE, start);
  return newline < 0 ? bytes.length : newline;
}

/** The end of a line's content: before a `\r` that precedes its newline. */
export function trimReturn(bytes: Uint8Array, start: number, end: number): number {
  return end > start && bytes[end - 1] === RETURN ? end - 1 : end;
}

/** Physical lines: one per newline, plus a last one without a newline. An empty file has none. */
export function countLines(bytes: Buffer): number {
  let count = 0;
  let at = bytes.indexOf(NEWLINE, 0);
  while (at >= 0) {
    count++;
    at = bytes.indexOf(NEWLINE, at + 1);
  }
  return bytes.length > 0 && bytes[bytes.length - 1] !== NEWLINE ? count + 1 : count;
}
