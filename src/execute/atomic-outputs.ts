import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { moveIntoPlace } from '../kernel/move-into-place.ts';
import { createStagingFolders, TEMP_PREFIX } from './staging-folders.ts';

// Outputs the command is told about are written into a hidden folder beside their final place
// (same file system, same basename, so tools that look at the name behave) and renamed on
// success. Outputs a command writes by names it derives itself are written in place and deleted
// when the attempt fails.
//
// A staging folder is reused by later attempts once it is empty again, instead of being made
// and removed for each one: on ext4 without a journal (this project's machines) every new inode
// is searched for past the inodes freed in the last minutes, so 2,000 short tasks that each made
// and removed a folder spent seconds of kernel time in inode allocation. Final paths are unique
// across tasks, so attempts that take turns with a folder never meet each other's files.
//
// The calls between a task's end and the next one's start (lstat, rename, readdir, and mkdir the
// first time) are synchronous: each takes microseconds, and through the thread pool each one is a
// wake-up of another thread and back, which on a busy machine is often a wait for a core while
// the worker threads sit idle.

export interface StagedOutputs {
  /** Where the command writes, index for index with the task's outputs. */
  readonly paths: readonly string[];
  /** Absolute final paths. */
  readonly finals: readonly string[];
  readonly staged: ReadonlySet<number>;
  /** The staging folders this attempt holds. */
  readonly folders: readonly string[];
  /** Indexes of the folder outputs (directory()), which replace a former folder whole. */
  readonly folderOutputs?: ReadonlySet<number>;
}

export { TEMP_PREFIX };

/** The staging folders of one run. */
export interface StagingArea {
  /** Takes a staging folder beside each staged output (and makes missing output folders). */
  stage(outputs: readonly string[], cwd: string, staged: ReadonlySet<number>): Promise<StagedOutputs>;
  /** Moves every staged output to its final path; the folders go back for reuse. */
  commit(outputs: StagedOutputs): Promise<void>;
  /** Removes the staged outputs, their folders and the in-place outputs of a failed attempt. */
  discard(outputs: StagedOutputs): Promise<void>;
  /** Removes every staging folder left (once no attempt runs). Idempotent. */
  close(): Promise<void>;
}

/** `tag` keeps this run's folders apart from another's (e.g. the run id). */
export function createStagingArea(tag: string): StagingArea {
  const folders = createStagingFolders(tag);
  return {
    async stage(outputs, cwd, staged) {
      const finals = outputs.map((output) => path.resolve(cwd, output));
      // One folder per output folder: several outputs of a task in one folder share it.
      const held = new Map<string, string>();
      const paths: string[] = [];
      for (let index = 0; index < finals.length; index += 1) {
        const final = finals[index] as string;
        const dir = path.dirname(final);
        const isFolder = (outputs[index] as string).endsWith('/');
        if (!staged.has(index)) {
          folders.makeFolder(dir);
          // A folder output written in place starts empty: no file of a former run stays in it.
          if (isFolder) {
            fsSync.rmSync(final, { recursive: true, force: true });
            fsSync.mkdirSync(final);
          }
          paths.push(final);
          continue;
        }
        let folder = held.get(dir);
        if (folder === undefined) {
          folder = folders.take(dir);
          held.set(dir, folder);
        }
        const at = path.join(folder, path.basename(final));
        // A folder output (directory()) is made empty for the command to fill.
        if (isFolder) fsSync.mkdirSync(at);
        paths.push(at);
      }
      const folderOutputs = new Set(outputs.flatMap((output, index) => (output.endsWith('/') ? [index] : [])));
      return { paths, finals, staged, folders: [...held.values()], folderOutputs };
    },
    async commit(outputs) {
      for (const index of outputs.staged) moveIntoPlace(outputs.paths[index] as string, outputs.finals[index] as string, outputs.folderOutputs?.has(index) === true);
      for (const folder of outputs.folders) await folders.giveBack(folder);
    },
    async discard(outputs) {
      for (const folder of outputs.folders) folders.forget(folder);
      await Promise.all([
        ...outputs.folders.map((folder) => fs.rm(folder, { recursive: true, force: true })),
        ...outputs.finals.filter((_, index) => !outputs.staged.has(index)).map((file) => fs.rm(file, { force: true, recursive: true })),
      ]);
    },
    close: () => folders.removeAll(),
  };
}

/**
 * The outputs the command did not create (as the task names them). `digested`: index for index,
 * the digests a function's thread took of its outputs once it had returned; a digest is a stat and
 * a read of the file where it was written, so that output needs no lstat here (one system call,
 * and a Stats object, per output on the thread that starts every task).
 */
export function findMissingOutputs(outputs: StagedOutputs, names: readonly string[], digested?: readonly unknown[]): string[] {
  const missing: string[] = [];
  for (let index = 0; index < outputs.paths.length; index += 1) {
    if (digested?.[index] !== undefined) continue;
    const file = outputs.paths[index] as string;
    let found: fsSync.Stats | undefined;
    try {
      found = fsSync.lstatSync(file, { throwIfNoEntry: false });
    } catch {
      found = undefined;
    }
    if (found === undefined) missing.push(names[index] ?? file);
  }
  return missing;
}
