import type { Readable } from 'node:stream';
import { decodeInputList } from '../plan/refuse-undecodable-name.ts';

/** Inputs from standard input: one per line, or NUL-separated with `-0`. */
export async function readStdinInputs(stdin: Readable, nulSeparated: boolean): Promise<string[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(chunk as Buffer);
  const text = decodeInputList(Buffer.concat(chunks), nulSeparated ? '\0' : '\n', 'standard input (`--in -`)');
  const items = text.split(nulSeparated ? '\0' : '\n');
  if (items.at(-1) === '') items.pop();
  return nulSeparated ? items : items.map((line) => line.replace(/\r$/, '')).filter((line) => line !== '');
}
