// Stamps of many files (`stampOf(statFile(file))`, or ABSENT) at half the cost, for the no-op
// short cut, which stats every input and output: 20,000 stats for 10,000 tasks. fs.statSync builds
// a BigIntStats with four Dates for each file (~2.5 µs of user time on Node 20, as much as the
// system call); Node's fs binding, which fs.statSync itself calls, returns the raw fields in an
// array. That binding is internal, so it is used only where it is proven: a stat of a known file
// through it must agree with fs.statSync field by field, and any surprise (no binding, a warning
// it would print, an error, another layout) leaves every stat to fs.statSync, as before. The
// verdict can only err towards "changed" (the full check), never towards "up to date".

import { stampOf, statFile } from '../hashes/stat-file.ts';

/** A stamp for "no such file or folder". */
export const ABSENT = '-';

// Indices into the binding's stat array (node_file.h, FsStatsOffset): the same since Node 10.
const INO = 7;
const SIZE = 8;
const MTIME_SEC = 12;
const MTIME_NSEC = 13;
const FIELDS = 14;

type RawStat = (file: string, bigint: true, request: undefined, throwIfNoEntry: false) => unknown;

/** Reads a file's stamp as `stampOf(statFile(file))` would; ABSENT when there is no such file. */
export type StampReader = (file: string) => string;

/** The plain reader: fs.statSync through statFile. */
export function readStampSlowly(file: string): string {
  const stat = statFile(file);
  return stat === undefined ? ABSENT : stampOf(stat);
}

/**
 * The fastest reader that agrees with `readStampSlowly` on `probe` (an existing file): the raw
 * binding when it does, else `readStampSlowly` itself.
 */
export function createStampReader(probe: string): StampReader {
  const raw = findRawStat();
  if (raw === undefined) return readStampSlowly;
  const fast = (file: string): string => {
    // A NUL would cut the path short in C (fs.statSync refuses it); an error (ENOTDIR, EACCES) is
    // judged as fs.statSync judges it.
    if (file.includes('\0')) return readStampSlowly(file);
    let fields: unknown;
    try {
      fields = raw(file, true, undefined, false);
    } catch {
      return readStampSlowly(file);
    }
    if (fields === undefined) return ABSENT;
    const values = fields as BigInt64Array;
    return `${values[SIZE]}:${(values[MTIME_SEC] as bigint) * 1_000_000_000n + (values[MTIME_NSEC] as bigint)}:${values[INO]}`;
  };
  try {
    const fields = raw(probe, true, undefined, false);
    if (!(fields instanceof BigInt64Array) || fields.length < FIELDS) return readStampSlowly;
    const expected = readStampSlowly(probe);
    return expected !== ABSENT && fast(probe) === expected ? fast : readStampSlowly;
  } catch {
    return readStampSlowly;
  }
}

function findRawStat(): RawStat | undefined {
  // Wrapped by `--pending-deprecation` (named `deprecated` then): it would print a warning.
  const binding = (process as { binding?: (name: string) => unknown }).binding;
  if (typeof binding !== 'function' || binding.name !== 'binding' || process.platform === 'win32') return undefined;
  try {
    const fs = binding.call(process, 'fs') as { stat?: unknown };
    return typeof fs.stat === 'function' ? (fs.stat.bind(fs) as RawStat) : undefined;
  } catch {
    // The permission model refuses it.
    return undefined;
  }
}
