// Step 1, `dates`: one patient's records with ISO dates and zero-padded times. Writes one line per
// input line, in order, so that line N of the output is line N of the input:
//
//   YYYY-MM-DD<TAB>HH:MM<TAB>CODE<TAB>VALUE    a record with a real date and time of day
//   !REASON                                    a line rejected here (REASONS in reasons.ts)
//
// Code and value are passed on as read; step 2 (translate-codes.ts) judges them. Works on bytes:
// one pass over the file, no string or regex per line.
import fs from 'node:fs';
import { COLON, DASH, isDigit, NEWLINE, readDigits, RETURN, TAB, ZERO } from './bytes.ts';
import { ByteWriter, copyWords, viewOf } from './byte-writer.ts';
import { LINE_LIMIT, LineStream, writeAll } from './line-stream.ts';
import { REASONS } from './reasons.ts';

const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

// A worker thread runs one task at a time: its files go through the same memory, streamed a
// window of lines at a time (line-stream.ts), so that memory stays bounded whatever the file.
const reader = new LineStream();
const writer = new ByteWriter(1 << 20);

export function standardiseDatesFile(recordsPath: string, outputPath: string): void {
  const fd = fs.openSync(outputPath, 'w');
  try {
    reader.open(recordsPath);
    let state = 0;
    for (let window = reader.next(); window !== undefined; window = reader.next()) {
      state = convertLines(window.bytes, window.end, state, writer.reset());
      writeAll(fd, writer.bytes, writer.length);
    }
  } finally {
    reader.close();
    fs.closeSync(fd);
  }
}

/** The dated records of `input`, written to `out` (a view of its bytes is returned). */
export function standardiseDates(input: Buffer, out = new ByteWriter(input.length + (input.length >>> 2) + 64)): Buffer {
  convertLines(input, input.length, 0, out);
  return out.result();
}

// The loop is a function of its own that ends with a bare return: V8 compiles a long loop while
// it runs (on-stack replacement), before the code after it has ever run, and code after the loop
// that reads a property would throw that compiled loop away at the end of every file.
//
// Converts the lines that start before `end` (those after it are there to look ahead at), going
// on from `state`: the number of lines before, negated when the last of them began a split record.
// Returns the state after them.
function convertLines(input: Buffer, end: number, state: number, out: ByteWriter): number {
  const view = viewOf(input);
  let start = 0;
  let line = state < 0 ? -state : state;
  // The number of the line before when it began a record split over two lines, else 0.
  let splitHead = state < 0 ? line : 0;
  while (start < end) {
    line++;
    if (splitHead === 0) {
      const next = convertRecord(input, view, start, out);
      if (next >= 0) {
        start = next;
        continue;
      }
    }
    // One pass finds the line's end and its first three tabs.
    let tabs = 0;
    let tab1 = -1;
    let tab2 = -1;
    let tab3 = -1;
    let newline = start;
    for (; newline < input.length; newline++) {
      const byte = input[newline];
      if (byte === NEWLINE) break;
      if (byte === TAB) {
        tabs++;
        if (tabs === 1) tab1 = newline;
        else if (tabs === 2) tab2 = newline;
        else if (tabs === 3) tab3 = newline;
      }
    }
    const stop = newline > start && input[newline - 1] === RETURN ? newline - 1 : newline;
    const next = newline + 1;
    const long = newline - start > LINE_LIMIT;
    const tail = !long && splitHead > 0;
    const head = !long && !tail && tabs === 3 && startsSplitRecord(input, tab2, tab3, stop, next);
    const reason = long
      ? REASONS.lineLong()
      : tail
        ? REASONS.splitTail(splitHead)
        : stop === start
          ? REASONS.emptyLine()
          : tabs !== 3
            ? REASONS.fieldCount(tabs + 1)
            : head
              ? REASONS.splitHead(line + 1)
              : (checkDate(input, start, tab1) ?? checkTime(input, tab1 + 1, tab2));
    splitHead = head ? line : 0;
    if (reason === undefined) {
      writeRecord(input, view, start, tab1, tab2, stop, out);
    } else {
      out.text(`!${reason}\n`);
    }
    start = next;
  }
  return splitHead > 0 ? -line : line;
}

/** Each byte's value as a decimal digit, -1 for any other byte: one lookup, one sign test. */
const DIGITS = new Int8Array(256).fill(-1);
for (let digit = 0; digit < 10; digit++) DIGITS[ZERO + digit] = digit;

/**
 * The common case at a glance: a line with a real `MM-DD-YYYY` date, then an `H:MM` or `HH:MM`
 * time of day, then exactly two more fields, not the head of a split record. Writes it and
 * returns where the next line starts; -1 (nothing written) for any other line, which the
 * general scan then judges, to the same result for the lines taken here.
 */
function convertRecord(input: Buffer, view: DataView, start: number, out: ByteWriter): number {
  const end = input.length;
  // Every byte read below, up to the second tab, is inside the buffer (an index past its end
  // would read as undefined, which the digit lookup would not reject).
  if (start + 16 >= end) return -1;
  const m1 = DIGITS[input[start] as number] as number;
  const m2 = DIGITS[input[start + 1] as number] as number;
  const d1 = DIGITS[input[start + 3] as number] as number;
  const d2 = DIGITS[input[start + 4] as number] as number;
  const y1 = DIGITS[input[start + 6] as number] as number;
  const y2 = DIGITS[input[start + 7] as number] as number;
  const y3 = DIGITS[input[start + 8] as number] as number;
  const y4 = DIGITS[input[start + 9] as number] as number;
  if ((m1 | m2 | d1 | d2 | y1 | y2 | y3 | y4) < 0 || input[start + 2] !== DASH || input[start + 5] !== DASH) return -1;
  const tab1 = start + 10;
  if (input[tab1] !== TAB) return -1;
  const month = m1 * 10 + m2;
  const day = d1 * 10 + d2;
  if (month < 1 || month > 12 || day < 1 || (y1 | y2 | y3 | y4) === 0) return -1;
  // Leap years are worked out only for the 29th of February.
  if (day > (DAYS_IN_MONTH[month] as number) && !(month === 2 && day === 29 && isLeap(((y1 * 10 + y2) * 10 + y3) * 10 + y4))) return -1;
  // H:MM or HH:MM: the colon says which.
  const short = input[tab1 + 2] === COLON;
  const tab2 = short ? tab1 + 5 : tab1 + 6;
  const hour = short ? (DIGITS[input[tab1 + 1] as number] as number) : (DIGITS[input[tab1 + 1] as number] as number) * 10 + (DIGITS[input[tab1 + 2] as number] as number);
  const minute1 = DIGITS[input[tab2 - 2] as number] as number;
  const minute2 = DIGITS[input[tab2 - 1] as number] as number;
  if (!short && ((DIGITS[input[tab1 + 1] as number] as number) | (DIGITS[input[tab1 + 2] as number] as number)) < 0) return -1;
  if (hour < 0 || hour > 23 || (minute1 | minute2) < 0 || minute1 > 5 || input[tab2 - 3] !== COLON || input[tab2] !== TAB) return -1;
  let tab3 = -1;
  let newline = tab2 + 1;
  for (; newline < end; newline++) {
    const byte = input[newline];
    if (byte === NEWLINE) break;
    if (byte === TAB) {
      if (tab3 >= 0) return -1;
      tab3 = newline;
    }
  }
  if (tab3 < 0 || newline - start > LINE_LIMIT) return -1;
  const stop = input[newline - 1] === RETURN ? newline - 1 : newline;
  if (startsSplitRecord(input, tab2, tab3, stop, newline + 1)) return -1;
  writeRecord(input, view, start, tab1, tab2, stop, out);
  return newline + 1;
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** YYYY-MM-DD<TAB>HH:MM<TAB>CODE<TAB>VALUE, in place: the size is known. */
function writeRecord(input: Buffer, view: DataView, start: number, tab1: number, tab2: number, stop: number, out: ByteWriter): void {
  out.reserve(stop - start + 6);
  const bytes = out.bytes;
  let at = out.length;
  bytes[at++] = input[start + 6] as number;
  bytes[at++] = input[start + 7] as number;
  bytes[at++] = input[start + 8] as number;
  bytes[at++] = input[start + 9] as number;
  bytes[at++] = DASH;
  bytes[at++] = input[start] as number;
  bytes[at++] = input[start + 1] as number;
  bytes[at++] = DASH;
  bytes[at++] = input[start + 3] as number;
  bytes[at++] = input[start + 4] as number;
  bytes[at++] = TAB;
  if (tab2 - tab1 === 5) bytes[at++] = ZERO; // H:MM
  at = copyWords(view, tab1 + 1, stop, out.view, at);
  bytes[at++] = NEWLINE;
  out.length = at;
}

// A record split over two lines (QUIRKS.md #1): code 0 with an empty value, then a line with an
// empty date and four fields.
function startsSplitRecord(input: Buffer, tab2: number, tab3: number, stop: number, next: number): boolean {
  if (tab3 - tab2 !== 2 || input[tab2 + 1] !== ZERO || stop !== tab3 + 1) return false;
  if (next >= input.length || input[next] !== TAB) return false;
  let tabs = 0;
  let index = next;
  for (; index < input.length && input[index] !== NEWLINE; index++) if (input[index] === TAB) tabs++;
  // A line too long is rejected for that alone: it continues nothing.
  return tabs === 3 && index - next <= LINE_LIMIT;
}

/** Why the date field is not a real MM-DD-YYYY date, or undefined when it is. */
function checkDate(input: Buffer, start: number, end: number): string | undefined {
  if (end === start) return REASONS.dateEmpty();
  const shaped =
    end - start === 10 &&
    isDigit(input[start]) &&
    isDigit(input[start + 1]) &&
    input[start + 2] === DASH &&
    isDigit(input[start + 3]) &&
    isDigit(input[start + 4]) &&
    input[start + 5] === DASH &&
    isDigit(input[start + 6]) &&
    isDigit(input[start + 7]) &&
    isDigit(input[start + 8]) &&
    isDigit(input[start + 9]);
  if (!shaped) return REASONS.dateFormat(input.toString('latin1', start, end));
  const month = readDigits(input, start, 2);
  const day = readDigits(input, start + 3, 2);
  const year = readDigits(input, start + 6, 4);
  const days = month === 2 && isLeap(year) ? 29 : (DAYS_IN_MONTH[month] ?? 0);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > days) {
    return REASONS.dateMissing(input.toString('latin1', start, end));
  }
  return undefined;
}

/** Why the time field is not H:MM or HH:MM of one day, or undefined when it is. */
function checkTime(input: Buffer, start: number, end: number): string | undefined {
  const length = end - start;
  if (length === 0) return REASONS.timeEmpty();
  const colon = end - 3;
  const shaped =
    (length === 4 || length === 5) &&
    input[colon] === COLON &&
    isDigit(input[start]) &&
    (length === 4 || isDigit(input[start + 1])) &&
    isDigit(input[end - 2]) &&
    isDigit(input[end - 1]);
  if (!shaped) return REASONS.timeFormat(input.toString('latin1', start, end));
  const hour = readDigits(input, start, colon - start);
  const minute = readDigits(input, colon + 1, 2);
  if (hour > 23 || minute > 59) return REASONS.timeRange(input.toString('latin1', start, end));
  return undefined;
}
