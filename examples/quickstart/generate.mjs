// Writes a small seeded set of tab-separated files for the quick start (never real data).
import fs from 'node:fs';
import path from 'node:path';

const folder = path.join(path.dirname(new URL(import.meta.url).pathname), 'data');
const files = Number(process.argv[2] ?? 20);
let seed = 42;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

fs.mkdirSync(folder, { recursive: true });
for (let file = 1; file <= files; file++) {
  const lines = [];
  for (let line = 0; line < 200; line++) {
    const day = String(1 + Math.floor(random() * 28)).padStart(2, '0');
    lines.push(`04-${day}-1991\t${String(Math.floor(random() * 24)).padStart(2, '0')}:00\t58\t${Math.floor(50 + random() * 250)}`);
  }
  fs.writeFileSync(path.join(folder, `sample ${String(file).padStart(2, '0')}.tsv`), `${lines.join('\n')}\n`);
}
console.error(`quickstart: ${files} files in ${path.relative(process.cwd(), folder)}/`);
