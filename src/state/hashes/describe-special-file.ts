// Which files sluice refuses as inputs: a FIFO, a socket or a device has no content to hash.
// Opening a FIFO blocks until a writer comes, reading /dev/zero never ends, reading /dev/tty
// waits for a key. /dev/null is the exception: it reads as an empty file, at once, every time.

import fs from 'node:fs';

let devNull: bigint | undefined;

/** `a FIFO`, `a socket`, … for a file sluice cannot hash; undefined for a regular file or folder. */
export function describeSpecialFile(stat: fs.Stats | fs.BigIntStats): string | undefined {
  if (stat.isFile() || stat.isDirectory()) return undefined;
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isSocket()) return 'a socket';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isCharacterDevice()) {
    devNull ??= fs.statSync('/dev/null', { bigint: true, throwIfNoEntry: false })?.rdev ?? -1n;
    return BigInt(stat.rdev) === devNull ? undefined : 'a character device';
  }
  return undefined;
}

/** The error for such a file, with the wording of every boundary check. */
export function specialFileError(what: string, kind: string): Error & { code: string } {
  return Object.assign(new Error(`Expected ${what} to be a regular file, got ${kind}`), { code: 'ESPECIAL' });
}
