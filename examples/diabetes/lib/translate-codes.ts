// Step 2, `codes`: the dated records of step 1 become the patient's CSV, with the code's
// description from the code list and the value checked; every line rejected, here or in step 1,
// becomes a row of the patient's rejects, quoting the record as read from the input file; and
// the patient's ledger (ledger.ts) accounts for every input line, or the step fails.
//
//   CSV:     date,time,code,description,value,line    (line: the input file's line number)
//   rejects: file,line,reason,record                  (no header; the `rejects` step adds it)
//   ledger:  file,lines,records,rejects,first_date,last_date,glucose_readings,mean_glucose
//
// Values are decimal numbers, written without leading zeros (`009` → `9`, `000` → `0`, `04.5`
// → `4.5`); anything else is rejected.
import fs from 'node:fs';
import path from 'node:path';
import { BANG, COLON, COMMA, countLines, DASH, DOT, findLineEnd, isDigit, NEWLINE, TAB, ZERO } from './bytes.ts';
import { ByteWriter, copyBytes, copyWords, viewOf } from './byte-writer.ts';
import { LineCursor } from './line-cursor.ts';
import { countFileLines, LINE_LIMIT, LineStream, writeAll } from './line-stream.ts';
import { describeCode, isGlucose, readCode, readCodeList, type CodeList } from './code-list.ts';
import { formatCsvField } from './csv-field.ts';
import { Ledger } from './ledger.ts';
import { REASONS, VALUE_DIGITS } from './reasons.ts';

export const CSV_HEADER = 'date,time,code,description,value,line\n';

export interface TranslatePaths {
  readonly codes: string;
  readonly dated: string;
  readonly records: string;
  readonly csv: string;
  readonly rejects: string;
  readonly ledger: string;
}

// A worker thread runs one task at a time: its files go through the same memory, streamed a
// window of lines at a time (line-stream.ts), so that memory stays bounded whatever the file.
const datedStream = new LineStream(LINE_LIMIT + 256); // a dated line: its input line and 6 bytes, or a reason quoting a field
const recordsStream = new LineStream();
const csvWriter = new ByteWriter(1 << 20);
const rejectsWriter = new ByteWriter(1 << 16);

export function translateCodesFile(paths: TranslatePaths): void {
  const codes = readCodeList(paths.codes);
  const file = path.basename(paths.records);
  const ledger = new Ledger(file, countFileLines(paths.records, csvWriter.reset().bytes));
  const csvFd = fs.openSync(paths.csv, 'w');
  const rejectsFd = fs.openSync(paths.rejects, 'w');
  try {
    const rawLines = new LineCursor(recordsStream.open(paths.records));
    const reject = rejecter(file, rawLines, ledger, rejectsWriter.reset());
    csvWriter.text(CSV_HEADER);
    const counter = new LineCounter();
    datedStream.open(paths.dated);
    for (let window = datedStream.next(); window !== undefined; window = datedStream.next()) {
      translateLines(window.bytes, window.end, codes, file, csvWriter, ledger, reject, counter);
      writeAll(csvFd, csvWriter.bytes, csvWriter.length);
      writeAll(rejectsFd, rejectsWriter.bytes, rejectsWriter.length);
      csvWriter.reset();
      rejectsWriter.reset();
    }
    writeAll(csvFd, csvWriter.bytes, csvWriter.length);
  } finally {
    datedStream.close();
    recordsStream.close();
    fs.closeSync(csvFd);
    fs.closeSync(rejectsFd);
  }
  fs.writeFileSync(paths.ledger, ledger.close(), 'latin1');
}

/** The patient's CSV, rejects and ledger row; throws an Error naming every input line not accounted for. */
export function translateCodes(
  dated: Buffer,
  records: Buffer,
  codes: CodeList,
  file: string,
  csv = new ByteWriter(dated.length * 3 + 64),
): { csv: Buffer; rejects: Buffer; ledger: string } {
  const rejects = new ByteWriter(256);
  const ledger = new Ledger(file, countLines(records));
  const reject = rejecter(file, new LineCursor(records), ledger, rejects);
  csv.text(CSV_HEADER);
  translateLines(dated, dated.length, codes, file, csv, ledger, reject, new LineCounter());
  return { csv: csv.result(), rejects: rejects.result(), ledger: ledger.close() };
}

function rejecter(file: string, rawLines: LineCursor, ledger: Ledger, rejects: ByteWriter): (line: number, reason: string) => void {
  const fileField = formatCsvField(file);
  return (line, reason) => {
    rejects.text(`${fileField},${line},${formatCsvField(reason)},${formatCsvField(rawLines.read(line))}\n`);
    ledger.reject(line);
  };
}

// The loop is a function of its own that ends with a bare return, as in standardise-dates.ts:
// V8 compiles a long loop while it runs, before the code after it has ever run, and code after
// the loop that reads a property would throw that compiled loop away at the end of every file.
// Translates the lines that start before `until`; `counter` goes on from the lines before.
function translateLines(
  dated: Buffer,
  until: number,
  codes: CodeList,
  file: string,
  csv: ByteWriter,
  ledger: Ledger,
  reject: (line: number, reason: string) => void,
  counter: LineCounter,
): void {
  const datedView = viewOf(dated);
  const end = dated.length;
  let start = 0;
  while (start < until) {
    const line = counter.next();
    if (dated[start] === BANG) {
      const newline = findLineEnd(dated, start);
      reject(line, dated.toString('latin1', start + 1, newline));
      start = newline + 1;
      continue;
    }
    // YYYY-MM-DD<TAB>HH:MM<TAB>CODE<TAB>VALUE, as step 1 writes it; scanned once, forwards.
    const codeStart = start + 17;
    let codeEnd = codeStart;
    while (codeEnd < end && dated[codeEnd] !== TAB && dated[codeEnd] !== NEWLINE) codeEnd++;
    if (dated[start + 4] !== DASH || dated[start + 10] !== TAB || dated[start + 13] !== COLON || dated[start + 16] !== TAB || dated[codeEnd] !== TAB) {
      const text = dated.toString('latin1', start, findLineEnd(dated, start));
      throw new Error(`Line ${line} of the dated records of ${file} is not as the dates step writes it: ${text}`);
    }
    const code = readCode(dated, codeStart, codeEnd);
    const description = describeCode(codes, code);
    if (description === undefined) {
      reject(line, codeEnd === codeStart ? REASONS.codeEmpty() : REASONS.codeUnknown(dated.toString('latin1', codeStart, codeEnd)));
      start = findLineEnd(dated, start) + 1;
      continue;
    }
    const valueStart = codeEnd + 1;
    const newline = findNumberEnd(dated, valueStart);
    if (newline < 0) {
      const valueEnd = findLineEnd(dated, valueStart);
      reject(line, valueStart >= valueEnd ? REASONS.valueEmpty() : REASONS.valueFormat(dated.toString('latin1', valueStart, valueEnd)));
      start = valueEnd + 1;
      continue;
    }
    let numberStart = valueStart;
    while (numberStart < newline - 1 && dated[numberStart] === ZERO && isDigit(dated[numberStart + 1])) numberStart++;
    if (newline - numberStart > VALUE_DIGITS && integerDigits(dated, numberStart, newline) > VALUE_DIGITS) {
      reject(line, REASONS.valueRange(dated.toString('latin1', valueStart, newline)));
      start = newline + 1;
      continue;
    }
    // date,time,code,description,value,line: the row's size is known, so write it in place.
    // Date, time and code are copied as they stand, tabs and all, and the two tabs become commas.
    csv.reserve(newline - start + description.bytes.length + 20);
    const out = csv.bytes;
    const rowStart = csv.length;
    let at = copyWords(datedView, start, codeEnd, csv.view, rowStart);
    out[rowStart + 10] = COMMA;
    out[rowStart + 16] = COMMA;
    out[at++] = COMMA;
    at = copyWords(description.view, 0, description.bytes.length, csv.view, at);
    out[at++] = COMMA;
    at = copyBytes(dated, numberStart, newline, out, at);
    out[at++] = COMMA;
    at = copyBytes(counter.digits, counter.first, 16, out, at);
    out[at++] = NEWLINE;
    csv.length = at;
    ledger.row(line, readDay(dated, start));
    if (isGlucose(codes, code)) ledger.reading(readNumber(dated, numberStart, newline));
    start = newline + 1;
  }
}

/** Digits before the point (or the end) of the number at `start`. */
function integerDigits(bytes: Buffer, start: number, end: number): number {
  let index = start;
  while (index < end && bytes[index] !== DOT) index++;
  return index - start;
}

/** YYYY-MM-DD at `start` as the number YYYYMMDD (the digits were checked by the dates step). */
function readDay(bytes: Buffer, start: number): number {
  const year = ((bytes[start] as number) * 10 + (bytes[start + 1] as number)) * 100 + (bytes[start + 2] as number) * 10 + (bytes[start + 3] as number);
  const month = (bytes[start + 5] as number) * 10 + (bytes[start + 6] as number);
  const day = (bytes[start + 8] as number) * 10 + (bytes[start + 9] as number);
  // Each digit counted as its byte: subtract what the '0's added.
  return year * 10000 + month * 100 + day - ZERO * 11111111;
}

// Integers by hand (most values); fractions and long numbers through Number, which rounds as
// Python's float() does.
function readNumber(bytes: Buffer, start: number, end: number): number {
  if (end - start > 15) return Number(bytes.toString('latin1', start, end));
  let value = 0;
  for (let index = start; index < end; index++) {
    const byte = bytes[index] as number;
    if (byte === DOT) return Number(bytes.toString('latin1', start, end));
    value = value * 10 + byte - ZERO;
  }
  return value;
}

/**
 * Where the value starting at `start` ends (its newline, or the end of the file) when it is a
 * decimal number, digits with an optional fraction (`12`, `009`, `4.5`); -1 when it is not.
 */
function findNumberEnd(bytes: Buffer, start: number): number {
  const end = bytes.length;
  let index = start;
  while (index < end && isDigit(bytes[index])) index++;
  if (index === start) return -1;
  if (index < end && bytes[index] === DOT) {
    const fraction = ++index;
    while (index < end && isDigit(bytes[index])) index++;
    if (index === fraction) return -1;
  }
  return index === end || bytes[index] === NEWLINE ? index : -1;
}

/** Line numbers as decimal digits, counted up in place: no number-to-text per record. */
class LineCounter {
  readonly digits = new Uint8Array(16).fill(ZERO);
  first = 16;
  private value = 0;

  next(): number {
    let at = 15;
    while (at >= this.first && this.digits[at] === 0x39) this.digits[at--] = ZERO;
    this.digits[at] = (this.digits[at] as number) + 1;
    if (at < this.first) this.first = at;
    return ++this.value;
  }
}
