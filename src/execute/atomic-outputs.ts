import fs from 'node:fs/promises';
import path from 'node:path';

// Outputs are written into a hidden folder beside their final place (same file system, same
// basename, so tools that look at the extension behave) and renamed on success.

export interface StagedOutputs {
  /** Where the command writes, index for index with the task's outputs. */
  readonly paths: readonly string[];
  readonly folders: readonly string[];
}

export const TEMP_PREFIX = '.sluice-tmp-';

/** Creates the staging folders (and any missing output folders) for one attempt. */
export async function stageOutputs(
  outputs: readonly string[],
  cwd: string,
  tag: string,
): Promise<StagedOutputs> {
  const folders = new Set<string>();
  const paths = outputs.map((output) => {
    const final = path.resolve(cwd, output);
    const folder = path.join(path.dirname(final), `${TEMP_PREFIX}${tag}`);
    folders.add(folder);
    return path.join(folder, path.basename(final));
  });
  for (const folder of folders) await fs.mkdir(folder, { recursive: true });
  return { paths, folders: [...folders] };
}

/**
 * Moves every staged output to its final path. Returns the outputs the command did not create;
 * when any is missing nothing is moved.
 */
export async function commitOutputs(
  staged: StagedOutputs,
  outputs: readonly string[],
  cwd: string,
): Promise<string[]> {
  const missing: string[] = [];
  for (const [index, temp] of staged.paths.entries()) {
    try {
      await fs.lstat(temp);
    } catch {
      missing.push(outputs[index] ?? temp);
    }
  }
  if (missing.length > 0) return missing;
  for (const [index, temp] of staged.paths.entries()) {
    await fs.rename(temp, path.resolve(cwd, outputs[index] ?? ''));
  }
  await discardOutputs(staged);
  return [];
}

/** Removes the staging folders and whatever the attempt left in them. */
export async function discardOutputs(staged: StagedOutputs): Promise<void> {
  await Promise.all(staged.folders.map((folder) => fs.rm(folder, { recursive: true, force: true })));
}
