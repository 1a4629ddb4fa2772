// Step 3, `rejects`: every patient's rejects in one `rejects.csv`, in file and line order, under
// the header `file,line,reason,record`.
import fs from 'node:fs';

export const REJECTS_HEADER = 'file,line,reason,record\n';

export function collectRejectsFile(parts: readonly string[], output: string): void {
  const chunks = [Buffer.from(REJECTS_HEADER), ...parts.map((part) => fs.readFileSync(part))];
  fs.writeFileSync(output, Buffer.concat(chunks));
}
