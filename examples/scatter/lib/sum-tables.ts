// Step `total`: the samples' tables (`WORD<TAB>LINES<TAB>SUM`, written by `merge`) as one table
// over all samples, and a summary with one line per sample.
import fs from 'node:fs';
import path from 'node:path';

export function sumTables(tables: readonly string[], outputs: { words: string; summary: string }): void {
  const words = new Map<string, { lines: number; sum: number }>();
  let summary = 'sample\twords\tlines\tsum\n';
  for (const table of tables) {
    const sample = path.basename(table, '.tsv');
    let lines = 0;
    let sum = 0;
    let count = 0;
    for (const line of fs.readFileSync(table, 'utf8').split('\n')) {
      if (line === '') continue;
      const [word = '', n = '', s = ''] = line.split('\t');
      const entry = words.get(word) ?? { lines: 0, sum: 0 };
      words.set(word, { lines: entry.lines + Number(n), sum: entry.sum + Number(s) });
      lines += Number(n);
      sum += Number(s);
      count++;
    }
    summary += `${sample}\t${count}\t${lines}\t${sum}\n`;
  }
  const sorted = [...words].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  fs.writeFileSync(outputs.words, sorted.map(([word, { lines, sum }]) => `${word}\t${lines}\t${sum}\n`).join(''));
  fs.writeFileSync(outputs.summary, summary);
}
