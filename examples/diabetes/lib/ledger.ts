// A patient's ledger, kept by the `codes` step as it writes: every line of the input file must
// end up exactly once, as a row of the patient's CSV or as a reject, or the step fails, naming
// the lines. The lesson's script lost 7,286 lines of 27 files without a word; here that cannot
// pass. The input's lines are counted on the input file itself, not on what the dates step made
// of it. The ledger also measures the records for the summary:
//
//   file,lines,records,rejects,first_date,last_date,glucose_readings,mean_glucose
import { formatCsvField } from './csv-field.ts';

export const LEDGER_HEADER = 'file,lines,records,rejects,first_date,last_date,glucose_readings,mean_glucose\n';

export class Ledger {
  rows = 0;
  rejects = 0;
  /** First and last day of the records, as YYYYMMDD numbers. */
  first = Infinity;
  last = -Infinity;
  readings = 0;
  sum = 0;
  private readonly seen: Uint8Array;
  private readonly problems: string[] = [];

  /** `lines`: how many lines the input file `file` has. */
  constructor(
    readonly file: string,
    readonly lines: number,
  ) {
    this.seen = new Uint8Array(lines + 1);
  }

  /** Input line `line` became the next row of the CSV. */
  row(line: number, day: number): void {
    this.rows++;
    this.mark(line, this.rows);
    if (day < this.first) this.first = day;
    if (day > this.last) this.last = day;
  }

  /** A blood glucose reading of the last row, for the mean. */
  reading(value: number): void {
    this.readings++;
    this.sum += value;
  }

  /** Input line `line` became the next reject. */
  reject(line: number): void {
    this.rejects++;
    this.mark(line, -this.rejects);
  }

  /** The ledger row; throws an Error naming every line not accounted for exactly once. */
  close(): string {
    const { file, lines } = this;
    const missing = listMissing(this.seen);
    const problems = missing.count > 0 ? [`${missing.count} of ${lines} lines are in neither ${file}.csv nor the rejects: ${missing.ranges}`, ...this.problems] : this.problems;
    if (problems.length > 0) {
      const shown = problems.slice(0, 10).join('; ');
      throw new Error(`Lines of ${file} not accounted for: ${shown}${problems.length > 10 ? `; and ${problems.length - 10} more problems` : ''}`);
    }
    const mean = this.readings === 0 ? '' : (this.sum / this.readings).toFixed(2);
    const dates = this.rows === 0 ? ',' : `${formatDay(this.first)},${formatDay(this.last)}`;
    return `${formatCsvField(file)},${lines},${this.rows},${this.rejects},${dates},${this.readings},${mean}\n`;
  }

  // Where a line went: row N of the CSV (N > 0) or reject -N. Named in words only for a
  // problem: a string per row would cost more than the row's check.
  private mark(line: number, where: number): void {
    if (line < 1 || line > this.lines) this.problems.push(`${this.describe(where)} names line ${line}, and ${this.file} has ${this.lines}`);
    else if (this.seen[line] === 1) this.problems.push(`line ${line} is accounted for twice (again in ${this.describe(where)})`);
    else this.seen[line] = 1;
  }

  private describe(where: number): string {
    return where > 0 ? `row ${where} of ${this.file}.csv` : `reject ${-where} of ${this.file}`;
  }
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
