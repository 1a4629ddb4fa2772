import fs from 'node:fs';
import path from 'node:path';
import { OutputError } from '../errors.ts';

/**
 * Renames a finished output to its final path. A folder output (directory()) replaces the folder
 * a former run made: the old one is first renamed aside, so that the final name never holds a
 * mix of both, then removed.
 */
export function moveIntoPlace(from: string, to: string, folder: boolean): void {
  if (!folder) {
    refuseSpecialFile(to);
    try {
      fs.renameSync(from, to);
    } catch (error) {
      throw describeBlockedOutput(error, to);
    }
    return;
  }
  const old = fs.lstatSync(to, { throwIfNoEntry: false });
  if (old === undefined) {
    fs.renameSync(from, to);
    return;
  }
  const aside = path.join(path.dirname(to), `.sluice-tmp-replaced-${process.pid}-${Date.now()}-${path.basename(to)}`);
  fs.renameSync(to, aside);
  fs.renameSync(from, to);
  fs.rmSync(aside, { recursive: true, force: true });
}

// A file output renamed onto a folder that stands at its final name: said as such, not as EISDIR.
function describeBlockedOutput(error: unknown, to: string): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== 'EISDIR' && code !== 'ENOTEMPTY' && code !== 'EEXIST') return error;
  if (fs.lstatSync(to, { throwIfNoEntry: false })?.isDirectory() !== true) return error;
  return new OutputError(
    `Expected output \`${to}\` to be a file, got an existing folder: the task's output was not kept. Remove or rename the folder (or choose another output path), then run again`,
    { cause: error },
  );
}

// A rename replaces whatever stands at the final name: `--out /dev/null` run as root would put a
// regular file in place of the device. A FIFO, socket or device there is left alone, said so.
function refuseSpecialFile(to: string): void {
  const there = fs.lstatSync(to, { throwIfNoEntry: false });
  if (there === undefined || there.isFile() || there.isDirectory() || there.isSymbolicLink()) return;
  const kind = there.isFIFO() ? 'a FIFO' : there.isSocket() ? 'a socket' : there.isCharacterDevice() ? 'a character device' : 'a block device';
  throw new OutputError(
    `Expected output \`${to}\` to be a file, got ${kind}, which sluice never replaces: the task's output was not kept. ` +
      'Choose another output path (to discard what a command prints, leave out --out), then run again',
  );
}
