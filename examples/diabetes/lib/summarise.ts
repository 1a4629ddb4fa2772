// Step 4, `summary`: the patients' ledgers (ledger.ts, written by the `codes` step) as one
// `summary.csv`, once more checked against `rejects.csv` as written: each file's count of
// rejects there must be the count its ledger found.
import fs from 'node:fs';
import { LEDGER_HEADER } from './ledger.ts';
import { REJECTS_HEADER } from './collect-rejects.ts';
import { readCsv } from './read-csv.ts';

export function summariseFile(ledgers: readonly string[], rejectsPath: string, output: string): void {
  const rows = ledgers.map((ledger) => fs.readFileSync(ledger, 'latin1'));
  const rejects = fs.readFileSync(rejectsPath, 'latin1');
  if (!rejects.startsWith(REJECTS_HEADER)) throw new Error(`${rejectsPath} does not start with the header ${REJECTS_HEADER.trim()}`);
  const counted = new Map<string, number>();
  for (const row of readCsv(rejects.slice(REJECTS_HEADER.length))) counted.set(row[0] ?? '', (counted.get(row[0] ?? '') ?? 0) + 1);
  const problems: string[] = [];
  for (const text of rows) {
    const [file = '', , , expected = ''] = readCsv(text)[0] ?? [];
    const found = counted.get(file) ?? 0;
    if (found !== Number(expected)) problems.push(`${file} has ${found} rows in rejects.csv, and its ledger counted ${expected}`);
    counted.delete(file);
  }
  for (const [file, count] of counted) problems.push(`rejects.csv has ${count} rows for ${file}, which has no ledger`);
  if (problems.length > 0) throw new Error(`rejects.csv does not match the ledgers: ${problems.slice(0, 10).join('; ')}`);
  fs.writeFileSync(output, LEDGER_HEADER + rows.join(''), 'latin1');
}
