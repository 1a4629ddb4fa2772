// Step 3, `account`: checks that every line of a patient's input file is in the patient's CSV or
// in its rejects, exactly once, and fails loudly otherwise, naming the lines. The lesson's script
// lost 7,286 lines of 27 files without a word; here that cannot pass. Reads the CSV as it was
// written (not what step 2 meant to write) and measures it for the summary, in the same pass:
//
//   file,lines,records,rejects,first_date,last_date,glucose_readings,mean_glucose
import fs from 'node:fs';
import path from 'node:path';
import { COLON, COMMA, countLines, DASH, DOT, findLineEnd, isDigit, NEWLINE, readDigits, ZERO } from './bytes.ts';
import { describeCode, readCodeList, type CodeList } from './code-list.ts';
import { formatCsvField } from './csv-field.ts';
import { readCsv } from './read-csv.ts';
import { CSV_HEADER } from './translate-codes.ts';

export const LEDGER_HEADER = 'file,lines,records,rejects,first_date,last_date,glucose_readings,mean_glucose\n';

export interface AccountPaths {
  readonly codes: string;
  readonly records: string;
  readonly csv: string;
  readonly rejects: string;
  readonly ledger: string;
}

export function accountLinesFile(paths: AccountPaths): void {
  const codes = readCodeList(paths.codes);
  const file = path.basename(paths.records);
  const rejects = fs.readFileSync(paths.rejects, 'latin1');
  fs.writeFileSync(paths.ledger, accountLines(fs.readFileSync(paths.records), fs.readFileSync(paths.csv), rejects, codes, file), 'latin1');
}

/** The patient's ledger row; throws an Error naming every line not accounted for exactly once. */
export function accountLines(records: Buffer, csv: Buffer, rejects: string, codes: CodeList, file: string): string {
  const lines = countLines(records);
  const seen = new Uint8Array(lines + 1);
  const problems: string[] = [];
  // Where a line number was read: row N of the CSV (N > 0) or reject -N. Named in words only for
  // a problem: a string per row would cost more than the row's check.
  const describe = (where: number): string => (where > 0 ? `row ${where} of ${file}.csv` : `reject ${-where} of ${file}`);
  const mark = (line: number, where: number): void => {
    if (line < 1 || line > lines) problems.push(`${describe(where)} names line ${line}, and ${file} has ${lines}`);
    else if (seen[line] === 1) problems.push(`line ${line} is accounted for twice (again in ${describe(where)})`);
    else seen[line] = 1;
  };
  if (!csv.subarray(0, CSV_HEADER.length).equals(Buffer.from(CSV_HEADER))) {
    throw new Error(`${file}.csv does not start with the header ${JSON.stringify(CSV_HEADER.trim())}`);
  }
  const end = csv.length;
  let rows = 0;
  let first = Infinity;
  let last = -Infinity;
  let readings = 0;
  let sum = 0;
  let start = CSV_HEADER.length;
  while (start < end) {
    rows++;
    // date,time,code,description,value,line, read forwards: the code says how long its
    // description is, and the fields after it are digits.
    let at = start + 17;
    let code = 0;
    while (at < end && isDigit(csv[at])) code = code * 10 + (csv[at++] as number) - ZERO;
    const codeEnd = at;
    const description = codeEnd > start + 17 && codeEnd - start < 24 ? describeCode(codes, code) : undefined;
    const valueStart = description === undefined ? -1 : at + description.length + 2;
    let valueEnd = valueStart;
    while (valueEnd > 0 && valueEnd < end && (isDigit(csv[valueEnd]) || csv[valueEnd] === DOT)) valueEnd++;
    let line = 0;
    at = valueEnd + 1;
    while (at < end && isDigit(csv[at])) line = line * 10 + (csv[at++] as number) - ZERO;
    const shaped =
      description !== undefined &&
      csv[start + 4] === DASH &&
      csv[start + 7] === DASH &&
      csv[start + 10] === COMMA &&
      csv[start + 13] === COLON &&
      csv[start + 16] === COMMA &&
      csv[codeEnd] === COMMA &&
      csv[valueStart - 1] === COMMA &&
      valueEnd > valueStart &&
      csv[valueEnd] === COMMA &&
      at > valueEnd + 1 &&
      at - valueEnd < 17 &&
      (at === end || csv[at] === NEWLINE);
    if (!shaped) {
      const newline = findLineEnd(csv, start);
      problems.push(`row ${rows} of ${file}.csv is not a converted record: ${csv.toString('latin1', start, newline)}`);
      start = newline + 1;
      continue;
    }
    mark(line, rows);
    const day = readDigits(csv, start, 4) * 10000 + readDigits(csv, start + 5, 2) * 100 + readDigits(csv, start + 8, 2);
    if (day < first) first = day;
    if (day > last) last = day;
    if (codes.glucose.has(code)) {
      readings++;
      sum += readNumber(csv, valueStart, valueEnd);
    }
    start = at + 1;
  }
  const rejected = readCsv(rejects);
  for (const [index, row] of rejected.entries()) {
    if (row[0] !== file) problems.push(`${describe(-(index + 1))} is about another file: ${row[0] ?? ''}`);
    else mark(/^[0-9]+$/.test(row[1] ?? '') ? Number(row[1]) : 0, -(index + 1));
  }
  const missing = listMissing(seen);
  if (missing.count > 0) {
    problems.unshift(`${missing.count} of ${lines} lines are in neither ${file}.csv nor the rejects: ${missing.ranges}`);
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, 10).join('; ');
    throw new Error(`Lines of ${file} not accounted for: ${shown}${problems.length > 10 ? `; and ${problems.length - 10} more problems` : ''}`);
  }
  const mean = readings === 0 ? '' : (sum / readings).toFixed(2);
  const dates = rows === 0 ? ',' : `${formatDay(first)},${formatDay(last)}`;
  return `${formatCsvField(file)},${lines},${rows},${rejected.length},${dates},${readings},${mean}\n`;
}

// Integers by hand (most values); fractions and long numbers through Number, which rounds as
// Python's float() does.
function readNumber(bytes: Buffer, start: number, end: number): number {
  if (end - start > 15) return Number(bytes.toString('latin1', start, end));
  let value = 0;
  for (let index = start; index < end; index++) {
    const byte = bytes[index] as number;
    if (byte === DOT) return Number(bytes.toString('latin1', start, end));
    value = value * 10 + byte - 0x30;
  }
  return value;
}

function formatDay(day: number): string {
  const text = String(day).padStart(8, '0');
  return `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}`;
}

/** Lines not seen, as ranges: `120-7405, 7410`, at most 20 ranges listed. */
function listMissing(seen: Uint8Array): { count: number; ranges: string } {
  const ranges: string[] = [];
  let count = 0;
  for (let line = 1; line < seen.length; line++) {
    if (seen[line] === 1) continue;
    let end = line;
    while (end + 1 < seen.length && seen[end + 1] === 0) end++;
    count += end - line + 1;
    ranges.push(end === line ? `${line}` : `${line}-${end}`);
    line = end;
  }
  const listed = ranges.slice(0, 20).join(', ') + (ranges.length > 20 ? `, and ${ranges.length - 20} more ranges` : '');
  return { count, ranges: `lines ${listed}` };
}
