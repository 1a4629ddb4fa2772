// The data set's code list (`Data-Codes`): lines such as `58 = Pre-breakfast blood glucose
// measurement`; every other line is prose. A code field matches when it is written as a plain
// number (`58`; `058` matches nothing).
import fs from 'node:fs';
import { viewOf } from './byte-writer.ts';
import { formatCsvField } from './csv-field.ts';

/** A code's description as a CSV field, in latin1 bytes (and a view of them, for copyWords). */
export interface Description {
  readonly bytes: Buffer;
  readonly view: DataView;
}

export interface CodeList {
  /** Description of each code, by the code's number. */
  readonly descriptions: ReadonlyMap<number, Description>;
  /** The same for codes below TABLE_SIZE, by index: faster than the map, once per record. */
  readonly table: readonly (Description | undefined)[];
  /** Codes whose description names a blood glucose measurement: the summary's mean is over these. */
  readonly glucose: ReadonlySet<number>;
  /** The same for codes below TABLE_SIZE: 1 at a glucose code's index. */
  readonly glucoseTable: Uint8Array;
}

const TABLE_SIZE = 4096;

// Spaces and tabs only, spelled out, so that the Python steps read the list exactly alike.
const ENTRY = /^[ \t]*([0-9]+)[ \t]*=[ \t]*(.*?)[ \t\r]*$/s;

// A worker thread runs many tasks: each reads the list once while the file stays the same.
const cache = new Map<string, { readonly stamp: string; readonly list: CodeList }>();

export function readCodeList(file: string): CodeList {
  const stat = fs.statSync(file);
  const stamp = `${stat.size}:${stat.mtimeMs}:${stat.ino}`;
  const cached = cache.get(file);
  if (cached?.stamp === stamp) return cached.list;
  const list = parseCodeList(fs.readFileSync(file, 'latin1'), file);
  cache.set(file, { stamp, list });
  return list;
}

function parseCodeList(text: string, file: string): CodeList {
  const descriptions = new Map<number, Description>();
  const glucose = new Set<number>();
  for (const line of text.split('\n')) {
    const match = ENTRY.exec(line);
    if (match === null) continue;
    const [, code = '', description = ''] = match;
    const number = Number(code);
    const bytes = Buffer.from(formatCsvField(description), 'latin1');
    descriptions.set(number, { bytes, view: viewOf(bytes) });
    if (/blood glucose/i.test(description)) glucose.add(number);
  }
  const table: (Description | undefined)[] = [];
  for (const [code, description] of descriptions) if (code < TABLE_SIZE) table[code] = description;
  const glucoseTable = new Uint8Array(TABLE_SIZE);
  for (const code of glucose) if (code < TABLE_SIZE) glucoseTable[code] = 1;
  if (descriptions.size === 0) throw new Error(`${file} lists no codes (expected lines such as \`58 = Pre-breakfast blood glucose measurement\`)`);
  return { descriptions, table, glucose, glucoseTable };
}

/** The number a code field spells when it is written as the code list writes codes, else -1. */
export function readCode(bytes: Uint8Array, start: number, end: number): number {
  const length = end - start;
  if (length === 0 || length > 6 || (length > 1 && bytes[start] === 0x30)) return -1;
  let value = 0;
  for (let index = start; index < end; index++) {
    const digit = (bytes[index] as number) - 0x30;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** The description of a code number (-1: none), or undefined. */
export function describeCode(list: CodeList, code: number): Description | undefined {
  return code >= 0 && code < TABLE_SIZE ? list.table[code] : list.descriptions.get(code);
}

/** Whether a code number (-1: none) is a blood glucose measurement. */
export function isGlucose(list: CodeList, code: number): boolean {
  return code >= 0 && code < TABLE_SIZE ? list.glucoseTable[code] === 1 : list.glucose.has(code);
}
