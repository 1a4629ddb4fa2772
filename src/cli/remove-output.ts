import fs from 'node:fs';
import path from 'node:path';

/**
 * Removes one output for `sluice clean`: a file (or a symlink), or a whole folder only where the
 * step declares a folder output (directory(); recorded with a trailing `/`). A folder standing
 * where a step makes a file was not made by sluice: it stays, with a warning, not deleted with
 * whatever it holds. Returns whether something was removed.
 */
export function removeOutput(file: string, folder: boolean, root: string): boolean {
  const stat = fs.lstatSync(file, { throwIfNoEntry: false });
  if (stat === undefined) return false;
  if (stat.isDirectory() && !folder) {
    process.stderr.write(
      `sluice: kept ${path.relative(root, file) || file}: a folder stands where a step makes a file, and sluice did not make it; remove it yourself if it should go\n`,
    );
    return false;
  }
  fs.rmSync(file, { recursive: folder, force: true });
  return true;
}

/** Absolute paths of the outputs that are folders (directory(): written with a trailing `/`). */
export function folderOutputsOf(outputs: Iterable<readonly [cwd: string, output: string]>): Set<string> {
  const folders = new Set<string>();
  for (const [cwd, output] of outputs) if (output.endsWith('/')) folders.add(path.resolve(cwd, output));
  return folders;
}
