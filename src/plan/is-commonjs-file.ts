// Whether Node would load a pipeline file as CommonJS: `.cjs`, or `.js` in a package whose
// nearest package.json does not say "type": "module".

import fs from 'node:fs';
import path from 'node:path';

export function isCommonJsFile(file: string): boolean {
  const extension = path.extname(file);
  if (extension === '.cjs') return true;
  if (extension !== '.js') return false;
  for (let folder = path.dirname(file); ; folder = path.dirname(folder)) {
    const text = readIfExists(path.join(folder, 'package.json'));
    if (text !== undefined) return packageType(text) !== 'module';
    if (path.dirname(folder) === folder) return true;
  }
}

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function packageType(text: string): unknown {
  try {
    return (JSON.parse(text) as { type?: unknown }).type;
  } catch {
    return undefined;
  }
}
