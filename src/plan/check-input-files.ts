import fs from 'node:fs';
import path from 'node:path';
import { PlanError } from '../errors.ts';
import { describeSpecialFile } from '../state/hashes/describe-special-file.ts';

/**
 * What an input path holds for planning: `missing`, `file` (a regular file, /dev/null), `folder`,
 * or why it is refused (`a FIFO`, `a socket`, `a character device`, `a block device`).
 */
export function inspectInput(cwd: string, input: string): 'missing' | 'file' | 'folder' | { readonly special: string } {
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(path.resolve(cwd, input), { throwIfNoEntry: false });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') return 'missing';
    throw error;
  }
  if (stat === undefined) return 'missing';
  if (stat.isDirectory()) return 'folder';
  const special = describeSpecialFile(stat);
  return special === undefined ? 'file' : { special };
}

/**
 * Refuses FIFOs, sockets and devices among inputs, and folders when the inputs are hashed (tasks
 * with outputs); `where` says whose inputs, e.g. "of `sluice map` (from `:::`)".
 */
export function checkInputFiles(inputs: readonly string[], cwd: string, where: string, options: { readonly hashed?: boolean } = {}): void {
  for (let i = 0; i < inputs.length; i += 1) {
    const input = inputs[i] as string;
    const found = inspectInput(cwd, input);
    if (typeof found === 'object') throw new PlanError(specialInputMessage(input, where, found.special));
    if (found === 'folder' && options.hashed === true) {
      throw new PlanError(folderInputMessage(input, where, `\`--in '${input.replace(/\/$/, '')}/*'\``));
    }
  }
}

/** The message for a folder given as an input; `example` shows how to name its files instead. */
export function folderInputMessage(input: string, where: string, example: string): string {
  return `Expected input \`${input}\` ${where} to be a file, got a folder: sluice hashes its inputs to know when to run again; name the files in it instead (e.g. ${example})`;
}

export function specialInputMessage(input: string, where: string, special: string): string {
  return `Expected input \`${input}\` ${where} to be a regular file, got ${special}: sluice hashes its inputs, and reading ${special} may block or never end`;
}
