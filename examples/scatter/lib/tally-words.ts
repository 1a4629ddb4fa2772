// Step `tally`: one chunk's `WORD<TAB>NUMBER` lines as `WORD<TAB>LINES<TAB>SUM`, one line per
// word, in the order the words first appear (the `merge` step sorts).
import fs from 'node:fs';

export function tallyWords(input: string, output: string): void {
  const tally = new Map<string, { lines: number; sum: number }>();
  for (const line of fs.readFileSync(input, 'utf8').split('\n')) {
    if (line === '') continue;
    const [word = '', value = ''] = line.split('\t');
    if (!/^-?\d+$/.test(value)) throw new Error(`Expected a whole number after the tab in ${input}, got \`${line}\``);
    const entry = tally.get(word) ?? { lines: 0, sum: 0 };
    tally.set(word, { lines: entry.lines + 1, sum: entry.sum + Number(value) });
  }
  fs.writeFileSync(output, [...tally].map(([word, { lines, sum }]) => `${word}\t${lines}\t${sum}\n`).join(''));
}
