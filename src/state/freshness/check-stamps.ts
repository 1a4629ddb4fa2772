// Checking many files' stamps at half the cost, for the no-op short cut, which stats every input
// and output: 20,000 stats for 10,000 tasks. fs.statSync builds a BigIntStats with four Dates for
// each file, and a stamp string is three more BigInts made text (together ~3 µs of user time a
// file on Node 20, more than the system call). Node's fs binding, which fs.statSync itself calls,
// returns the raw fields in one shared array instead; a stamp kept as seven 32-bit words (see
// `stampWords`) is then compared with that array's words and nothing is allocated. The binding
// is internal, so it is used only where it is proven: a stat of a known file through it must
// agree with fs.statSync, and any surprise (no binding, a warning it would print, an error,
// another layout) leaves every stat to fs.statSync, as before. Either way a file is judged
// unchanged only when its size, mtime and ctime (ns) and inode are exactly the recorded ones.

import { statFile, type FileStat } from '../hashes/stat-file.ts';

/** A stamp for "no such file or folder". */
export const ABSENT = '-';

/**
 * Words per stamp: size, mtime seconds (two words each), mtime nanoseconds, ctime seconds (two),
 * ctime nanoseconds, inode (two).
 */
export const STAMP_WORDS = 10;

// Indices into the binding's stat array (node_file.h, FsStatsOffset; the same since Node 10),
// and the 32-bit words of the fields a stamp holds, in STAMP_WORDS order.
const INO = 7;
const SIZE = 8;
const MTIME_SEC = 12;
const MTIME_NSEC = 13;
const CTIME_SEC = 14;
const CTIME_NSEC = 15;
const FIELDS = 16;
const FIELD_WORDS = [
  SIZE * 2,
  SIZE * 2 + 1,
  MTIME_SEC * 2,
  MTIME_SEC * 2 + 1,
  MTIME_NSEC * 2,
  CTIME_SEC * 2,
  CTIME_SEC * 2 + 1,
  CTIME_NSEC * 2,
  INO * 2,
  INO * 2 + 1,
] as const;

/** The words of an absent file: no real file has -1 nanoseconds. */
const ABSENT_WORDS: readonly number[] = new Array<number>(STAMP_WORDS).fill(-1);

const NS_PER_S = 1_000_000_000n;

/**
 * The words of a file's stat (undefined: absent), as the binding lays the same fields out in
 * memory (so they are compared without making a number); in this machine's byte order. Written
 * into `into` from `at` when given.
 */
export function wordsOfStat(stat: FileStat | undefined, into: number[] | Int32Array = [], at = 0): number[] | Int32Array {
  if (stat === undefined) {
    for (let i = 0; i < STAMP_WORDS; i += 1) into[at + i] = -1;
    return into;
  }
  const fields = SCRATCH;
  fields[SIZE] = stat.size;
  splitNs(stat.mtimeNs, MTIME_SEC, MTIME_NSEC);
  splitNs(stat.ctimeNs, CTIME_SEC, CTIME_NSEC);
  fields[INO] = stat.inode;
  for (let i = 0; i < STAMP_WORDS; i += 1) into[at + i] = SCRATCH_WORDS[FIELD_WORDS[i] as number] as number;
  return into;
}

// As the kernel gives a time: whole seconds (floored, before 1970 too), then 0-999,999,999 ns.
function splitNs(ns: bigint, secondsAt: number, nanosecondsAt: number): void {
  let seconds = ns / NS_PER_S;
  if (seconds * NS_PER_S > ns) seconds -= 1n;
  SCRATCH[secondsAt] = seconds;
  SCRATCH[nanosecondsAt] = ns - seconds * NS_PER_S;
}

/** The words of the stamp `fullStampOf` wrote (or ABSENT). */
export function stampWords(stamp: string): number[] {
  if (stamp === ABSENT) return [...ABSENT_WORDS];
  const [size, mtimeNs, inode, ctimeNs] = stamp.split(':').map((part) => BigInt(part)) as [bigint, bigint, bigint, bigint];
  return wordsOfStat({ size, mtimeNs, inode, ctimeNs }) as number[];
}

/** `size:mtimeNs:inode:ctimeNs`: a stat as text, all that a stamp's words hold. */
export function fullStampOf(stat: FileStat): string {
  return `${stat.size}:${stat.mtimeNs}:${stat.inode}:${stat.ctimeNs}`;
}

const SCRATCH = new BigInt64Array(FIELDS);
const SCRATCH_WORDS = new Int32Array(SCRATCH.buffer);

/** The byte order words are in: a snapshot's words are only compared on a machine of its order. */
export const BYTE_ORDER = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 'LE' : 'BE';

/** Whether `file`'s stamp now is the one whose words are `words[at .. at + STAMP_WORDS)`. */
export type StampCheck = (file: string, words: ArrayLike<number>, at: number) => boolean;

/** The plain check: fs.statSync through statFile. */
export function checkStampSlowly(file: string, words: ArrayLike<number>, at: number): boolean {
  const now = wordsOfStat(statFile(file));
  for (let i = 0; i < STAMP_WORDS; i += 1) if (now[i] !== words[at + i]) return false;
  return true;
}

type RawStat = (file: string, bigint: true, request: undefined, throwIfNoEntry: false) => unknown;

/**
 * The fastest check that agrees with `checkStampSlowly` on `probe` (an existing file): the raw
 * binding when it does, else `checkStampSlowly` itself.
 */
export function createStampCheck(probe: string): StampCheck {
  const raw = findRawStat();
  if (raw === undefined) return checkStampSlowly;
  let fields: unknown;
  let view: Int32Array<ArrayBufferLike> = new Int32Array(0);
  const fast: StampCheck = (file, words, at) => {
    // A NUL would cut the path short in C (fs.statSync refuses it); an error (ENOTDIR, EACCES) is
    // judged as fs.statSync judges it.
    if (file.includes('\0')) return checkStampSlowly(file, words, at);
    let now: unknown;
    try {
      now = raw(file, true, undefined, false);
    } catch {
      return checkStampSlowly(file, words, at);
    }
    if (now === undefined) {
      for (let i = 0; i < STAMP_WORDS; i += 1) if (words[at + i] !== -1) return false;
      return true;
    }
    // One shared array, as a rule: its words are viewed once.
    if (now !== fields) {
      if (!(now instanceof BigInt64Array) || now.length < FIELDS) return checkStampSlowly(file, words, at);
      fields = now;
      view = new Int32Array(now.buffer, now.byteOffset, FIELDS * 2);
    }
    return (
      view[SIZE * 2] === words[at] &&
      view[SIZE * 2 + 1] === words[at + 1] &&
      view[MTIME_SEC * 2] === words[at + 2] &&
      view[MTIME_SEC * 2 + 1] === words[at + 3] &&
      view[MTIME_NSEC * 2] === words[at + 4] &&
      view[CTIME_SEC * 2] === words[at + 5] &&
      view[CTIME_SEC * 2 + 1] === words[at + 6] &&
      view[CTIME_NSEC * 2] === words[at + 7] &&
      view[INO * 2] === words[at + 8] &&
      view[INO * 2 + 1] === words[at + 9]
    );
  };
  try {
    const stat = statFile(probe);
    if (stat === undefined) return checkStampSlowly;
    const words = wordsOfStat(stat) as number[];
    // Agreeing on the file, and telling a change of each field apart.
    const changed = words.map((_, index) => words.map((word, i) => (i === index ? word ^ 1 : word)));
    if (!fast(probe, words, 0) || changed.some((other) => fast(probe, other, 0))) return checkStampSlowly;
    return fast;
  } catch {
    return checkStampSlowly;
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
