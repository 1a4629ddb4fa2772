// The diabetes example's step functions on their own, on one thread, with no sluice around them:
// nanoseconds per input line for `dates` and `codes` (which keeps the ledger), over the first `files` files of
// the set diabetes-throughput generates (the data is made if missing and kept in the temp folder).
// What sluice adds on top is diabetes-throughput's figure less this one.
//
// Settings: lines (total of the set, default 10,000,000), files (700), use (files read, 140).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { readCodeList } from '../examples/diabetes/lib/code-list.ts';
import { standardiseDates } from '../examples/diabetes/lib/standardise-dates.ts';
import { translateCodes } from '../examples/diabetes/lib/translate-codes.ts';
import { readCount, type Benchmark, type BenchmarkOptions } from './benchmark.ts';
import { ensureDiabetesData } from './diabetes-data.ts';
import { formatTable, median } from './measure.ts';

export const diabetesStepsBenchmark: Benchmark = {
  name: 'diabetes-steps',
  description: "examples/diabetes step functions alone on one thread, ns per line (settings: lines, files, use)",
  async run(options: BenchmarkOptions): Promise<void> {
    const lines = readCount(options, 'lines', 10_000_000);
    const files = readCount(options, 'files', 700);
    const use = readCount(options, 'use', 140);
    const data = ensureDiabetesData(files, lines, '0');
    const names = readdirSync(data).filter((name) => /^data-\d+$/.test(name)).sort().slice(0, use);
    const codes = readCodeList(path.join(data, 'Data-Codes'));
    const inputs = names.map((name) => readFileSync(path.join(data, name)));
    let count = 0;
    for (const bytes of inputs) for (let at = bytes.indexOf(10); at >= 0; at = bytes.indexOf(10, at + 1)) count++;
    const times: Record<'dates' | 'codes', number[]> = { dates: [], codes: [] };
    // One round more than asked, first, to let the JIT settle; it is not counted.
    for (let round = 0; round <= options.rounds; round++) {
      const t0 = process.hrtime.bigint();
      const dated = inputs.map((bytes) => standardiseDates(bytes));
      const t1 = process.hrtime.bigint();
      dated.forEach((bytes, i) => translateCodes(bytes, inputs[i] as Buffer, codes, names[i] as string));
      const t2 = process.hrtime.bigint();
      if (round === 0) continue;
      times.dates.push(Number(t1 - t0) / count);
      times.codes.push(Number(t2 - t1) / count);
    }
    console.log(`diabetes-steps: ${use} of ${files} files (${count} lines, ${data}), one thread, ${options.rounds} rounds after one warm-up`);
    const rows = Object.entries(times).map(([step, ns]) => [step, median(ns).toFixed(0), ns.map((value) => value.toFixed(0)).join(' ')]);
    console.log(`\n${formatTable(['step', 'ns/line', 'each round'], rows)}`);
  },
};
