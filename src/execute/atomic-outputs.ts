import fs from 'node:fs/promises';
import path from 'node:path';

// Outputs the command is told about are written into a hidden folder beside their final place
// (same file system, same basename, so tools that look at the extension behave) and renamed on
// success. Outputs a command writes by names it derives itself are written in place and deleted
// when the attempt fails.

export interface StagedOutputs {
  /** Where the command writes, index for index with the task's outputs. */
  readonly paths: readonly string[];
  /** Absolute final paths. */
  readonly finals: readonly string[];
  readonly staged: ReadonlySet<number>;
  readonly folders: readonly string[];
}

export const TEMP_PREFIX = '.sluice-tmp-';

/** Creates the staging folders (and any missing output folders) for one attempt. */
export async function stageOutputs(
  outputs: readonly string[],
  cwd: string,
  tag: string,
  staged: ReadonlySet<number>,
): Promise<StagedOutputs> {
  const folders = new Set<string>();
  const finals = outputs.map((output) => path.resolve(cwd, output));
  const paths = finals.map((final, index) => {
    if (!staged.has(index)) return final;
    const folder = path.join(path.dirname(final), `${TEMP_PREFIX}${tag}`);
    folders.add(folder);
    return path.join(folder, path.basename(final));
  });
  for (const folder of new Set([...folders, ...finals.map((final) => path.dirname(final))])) {
    await fs.mkdir(folder, { recursive: true });
  }
  return { paths, finals, staged, folders: [...folders] };
}

/** The outputs the command did not create (as the task names them). */
export async function findMissingOutputs(outputs: StagedOutputs, names: readonly string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const [index, file] of outputs.paths.entries()) {
    try {
      await fs.lstat(file);
    } catch {
      missing.push(names[index] ?? file);
    }
  }
  return missing;
}

/** Moves every staged output to its final path and removes the staging folders. */
export async function commitOutputs(outputs: StagedOutputs): Promise<void> {
  for (const index of outputs.staged) {
    await fs.rename(outputs.paths[index] as string, outputs.finals[index] as string);
  }
  await Promise.all(outputs.folders.map((folder) => fs.rm(folder, { recursive: true, force: true })));
}

/** Removes the staging folders and the in-place outputs of a failed attempt. */
export async function discardOutputs(outputs: StagedOutputs): Promise<void> {
  await Promise.all([
    ...outputs.folders.map((folder) => fs.rm(folder, { recursive: true, force: true })),
    ...outputs.finals.filter((_, index) => !outputs.staged.has(index)).map((file) => fs.rm(file, { force: true, recursive: true })),
  ]);
}
