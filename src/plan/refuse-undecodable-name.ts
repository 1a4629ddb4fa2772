import fs from 'node:fs';
import path from 'node:path';
import { PlanError } from '../errors.ts';

// Node.js decodes file names as UTF-8: a name that is not valid UTF-8 (a Latin-1 `café` from an
// old archive) comes back with U+FFFD in place of its bad bytes, and that name is no file. A
// command given it would fail, or read another file; sluice refuses it before anything runs.

const REPLACEMENT = '\uFFFD';

/** Refuses a listed name that is not the file's real name because its bytes are not UTF-8. */
export function refuseUndecodableName(name: string, cwd: string, where: string): void {
  if (!name.includes(REPLACEMENT)) return;
  // A name may hold U+FFFD itself, written as valid UTF-8: that file is there.
  if (fs.lstatSync(path.resolve(cwd, name), { throwIfNoEntry: false }) !== undefined) return;
  throw new PlanError(
    `The name of \`${name}\` (${where}) is not valid UTF-8 (\`${REPLACEMENT}\` stands for the bytes that are not): ` +
      'Node.js, which sluice runs on, cannot name that file to a command exactly. Rename it to UTF-8 ' +
      '(`convmv -f latin1 -t utf8 --notest FILE`), or leave it out with a narrower glob',
  );
}

/** Standard input as text, refused with the line at fault when it is not valid UTF-8. */
export function decodeInputList(bytes: Buffer, separator: string, where: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const text = bytes.toString('utf8');
    const items = text.split(separator);
    const index = items.findIndex((item) => item.includes(REPLACEMENT));
    throw new PlanError(
      `Input ${index + 1} of ${where} (\`${items[index] ?? ''}\`) is not valid UTF-8 (\`${REPLACEMENT}\` stands for the bytes that ` +
        'are not): Node.js, which sluice runs on, cannot give it to a command exactly. Rename the file to UTF-8 ' +
        '(`convmv -f latin1 -t utf8 --notest FILE`)',
    );
  }
}
