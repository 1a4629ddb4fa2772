// A snapshot's file (up-to-date-snapshot.ts says what it vouches for and when): its layout,
// written and read back, each check of a file that may be damaged or foreign included.

import { BYTE_ORDER, STAMP_WORDS } from './check-stamps.ts';

/**
 * Bumped when the file's meaning changes: older snapshots are then ignored. 3: ctime joined, the
 * words in base64 (a number each cost the no-op run's JSON.parse 10 ms more for 10,000 tasks).
 * 4: a binary file (below): reading, parsing and decoding 1.5 MB of JSON was ~30 ms of a 0.27 s
 * no-op run of 10,000 tasks on this machine, and its pages ~500 page faults. 5: the folders are
 * counted, so that a run whose folders are unchanged takes what the snapshot says of each file.
 */
const FORMAT = 5;

export interface Snapshot {
  /** Digest of everything the plan depends on besides the files (plan/digest-plan-inputs.ts). */
  readonly key: string;
  /** Tasks the plan had, all up to date. */
  readonly tasks: number;
  /** Absolute paths: folders listed, inputs, outputs. */
  readonly paths: readonly string[];
  /** How many of `paths`, first, are the folders listed. */
  readonly folders: number;
  /** STAMP_WORDS a path, in the order of `paths` (check-stamps.ts). */
  readonly words: Int32Array;
}

// On disk: a line of JSON (this header, padded with spaces so that the words after it begin at a
// multiple of 4 bytes), the words as they are in memory (`byteOrder`), then the paths in UTF-8,
// each ended by a NUL (no path holds one): a path below `base` without `base/`, others whole.
export interface SnapshotHeader {
  readonly format: number;
  readonly byteOrder: string;
  readonly key: string;
  readonly tasks: number;
  /** How many paths, and so STAMP_WORDS times as many words. */
  readonly paths: number;
  /** How many of them, first, are folders the plan listed. */
  readonly folders: number;
  /** The folder the paths below it are named from (absolute); '' names every path whole. */
  readonly base: string;
}

/**
 * The bytes of `snapshot`, its paths below the absolute folder `base` named from it ('' names every
 * path whole); undefined when some path cannot be written and read back as it is.
 */
export function encodeSnapshot(snapshot: Snapshot, base: string): Buffer | undefined {
  const { key, tasks, paths, folders } = snapshot;
  const prefix = `${base}/`;
  const names: string[] = new Array<string>(paths.length);
  for (let i = 0; i < paths.length; i += 1) {
    const absolute = paths[i] as string;
    // UTF-8 must give the same name back, and a NUL would end it early.
    if (absolute.includes('\0') || !isWellFormed(absolute)) return undefined;
    // Named from `base` only when the rest cannot read as a whole path (`base//x`).
    const below = base !== '' && absolute.startsWith(prefix) && absolute.length > prefix.length && absolute[prefix.length] !== '/';
    names[i] = below ? absolute.slice(prefix.length) : absolute;
  }
  const text = JSON.stringify({ format: FORMAT, byteOrder: BYTE_ORDER, key, tasks, paths: paths.length, folders, base } satisfies SnapshotHeader);
  const header = `${text}${' '.repeat(3 - (Buffer.byteLength(text) % 4))}\n`;
  return Buffer.concat([
    Buffer.from(header, 'utf8'),
    new Uint8Array(snapshot.words.buffer, snapshot.words.byteOffset, snapshot.words.byteLength),
    Buffer.from(names.length === 0 ? '' : `${names.join('\0')}\0`, 'utf8'),
  ]);
}

/** What a snapshot file holds: its header, words and paths (as stored). */
export interface DecodedSnapshot {
  readonly header: SnapshotHeader;
  readonly words: Int32Array;
  readonly paths: readonly string[];
  /** Where in the file's bytes the words begin. */
  readonly wordsAt: number;
}

/** The header, words and paths (as stored) of a snapshot file's bytes, or why they cannot be trusted. */
export function decodeSnapshot(bytes: Buffer): DecodedSnapshot | { readonly why: string } {
  const damaged = { why: 'the snapshot is damaged' };
  const end = bytes.indexOf(10);
  if (end < 0) return damaged;
  let header: SnapshotHeader;
  try {
    header = JSON.parse(bytes.toString('utf8', 0, end)) as SnapshotHeader;
  } catch {
    return damaged;
  }
  if (header === null || typeof header !== 'object') return damaged;
  if (header.format !== FORMAT) return { why: `the snapshot is of format ${String(header.format)}, not ${FORMAT}` };
  if (header.byteOrder !== BYTE_ORDER) return { why: `the snapshot was written on a machine of another byte order (${String(header.byteOrder)})` };
  const count = header.paths;
  const folders = header.folders;
  if (!Number.isSafeInteger(count) || count < 0 || typeof header.tasks !== 'number' || typeof header.key !== 'string' || typeof header.base !== 'string') {
    return damaged;
  }
  if (!Number.isSafeInteger(folders) || folders < 0 || folders > count) {
    return damaged;
  }
  const wordsAt = end + 1;
  const namesAt = wordsAt + count * STAMP_WORDS * 4;
  // Every path ends with a NUL: with paths, at least one byte of names and a NUL last.
  if (wordsAt % 4 !== 0 || (count === 0 ? namesAt !== bytes.length : namesAt >= bytes.length || bytes[bytes.length - 1] !== 0)) return damaged;
  // A view needs 4-byte alignment; a copy has it (a small file's Buffer may share a pool).
  const aligned = (bytes.byteOffset + wordsAt) % 4 === 0 ? bytes : Uint8Array.prototype.slice.call(bytes);
  const offset = aligned === bytes ? bytes.byteOffset + wordsAt : wordsAt;
  const words = new Int32Array(aligned.buffer, offset, count * STAMP_WORDS);
  const paths = count === 0 ? [] : bytes.toString('utf8', namesAt, bytes.length - 1).split('\0');
  // No path is empty ('' would be stat'ed as no file at all).
  if (paths.length !== count || paths.includes('')) return damaged;
  return { header, words, paths, wordsAt };
}

// String.prototype.isWellFormed (Node 20+): no lone surrogate, which UTF-8 cannot carry.
function isWellFormed(text: string): boolean {
  return (text as string & { isWellFormed(): boolean }).isWellFormed();
}

