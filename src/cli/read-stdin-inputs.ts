import type { Readable } from 'node:stream';
import { PlanError } from '../errors.ts';
import { decodeInputList } from '../plan/refuse-undecodable-name.ts';

/** Inputs from standard input: one per line, or NUL-separated with `-0`. */
export async function readStdinInputs(stdin: Readable, nulSeparated: boolean): Promise<string[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(chunk as Buffer);
  const text = decodeInputList(Buffer.concat(chunks), nulSeparated ? '\0' : '\n', 'standard input (`--in -`)');
  const items = text.split(nulSeparated ? '\0' : '\n');
  if (items.at(-1) === '') items.pop();
  // No name holds one: it would reach the file system as a TypeError (exit 70, "a bug in sluice").
  const withNul = nulSeparated ? -1 : items.findIndex((item) => item.includes('\0'));
  if (withNul >= 0) {
    throw new PlanError(`Input ${withNul + 1} of standard input (\`--in -\`) holds a NUL byte: for NUL-separated names (\`find -print0\`), give \`-0\``);
  }
  return nulSeparated ? items : items.map((line) => line.replace(/\r$/, '')).filter((line) => line !== '');
}
