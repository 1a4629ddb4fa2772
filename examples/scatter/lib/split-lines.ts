// Step `split`: a sample into chunks of `lines` lines each, 000.txt, 001.txt, ... in a folder
// that sluice made empty for it; how many depends on the sample.
import fs from 'node:fs';
import path from 'node:path';

export function splitLines(input: string, folder: string, lines: number): void {
  const text = fs.readFileSync(input, 'utf8');
  const all = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  const chunks = Math.ceil(all.length / lines);
  const digits = Math.max(3, String(chunks - 1).length);
  for (let chunk = 0; chunk < chunks; chunk++) {
    const part = all.slice(chunk * lines, (chunk + 1) * lines);
    fs.writeFileSync(path.join(folder, `${String(chunk).padStart(digits, '0')}.txt`), `${part.join('\n')}\n`);
  }
}
