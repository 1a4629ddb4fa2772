import fs from 'node:fs';
import path from 'node:path';

/**
 * Renames a finished output to its final path. A folder output (directory()) replaces the folder
 * a former run made: the old one is first renamed aside, so that the final name never holds a
 * mix of both, then removed.
 */
export function moveIntoPlace(from: string, to: string, folder: boolean): void {
  if (!folder) {
    fs.renameSync(from, to);
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
