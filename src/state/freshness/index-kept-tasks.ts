// What a kept plan (kept-plan.ts) keeps beside its tasks so that a run after an edit reads only
// the tasks it is given (narrow-kept-plan.ts), not all of them (~70 ms of JSON and garbage for
// 10,000 tasks on this machine): which of the snapshot's files each task names, by their place in
// the snapshot it was kept with, and each task's step.
//
// Safe because the index is used only with a snapshot that names the same files in the same
// order (the same digest of its paths): a snapshot is taken of a plan's tasks in their order
// (takeSnapshot), and patched in place after (patchSnapshot).

import { createHash } from 'node:crypto';
import type { Task } from '../../kernel/task.ts';
import { STAMP_WORDS } from './check-stamps.ts';
import { decodeSnapshot } from './snapshot-file.ts';
import { indexSnapshotPaths, type UnchangedFiles } from './unchanged-files.ts';

export interface TaskIndex {
  /** Of the snapshot's paths (digestSnapshotPaths) the index names files by. */
  readonly digest: string;
  /** Task i's files are the snapshot's paths `files[ends[i - 1]]` to `files[ends[i] - 1]` (ends[-1]: 0). */
  readonly files: number[];
  readonly ends: number[];
  /** The steps, in the order of their first task, and each task's (its place in `steps`). */
  readonly steps: string[];
  readonly stepOf: number[];
  /** The first task to run each program from each folder: what planning would look for again. */
  readonly programs: number[];
}

/**
 * The index of `tasks` in the snapshot `snapshot` (its bytes); undefined when the plan is not
 * one to narrow: a temporary step, a folder named, tasks not numbered 1, 2, 3..., a file the
 * snapshot does not name.
 */
export function indexKeptTasks(tasks: readonly Task[], snapshot: Buffer): TaskIndex | undefined {
  const decoded = decodeSnapshot(snapshot);
  if ('why' in decoded) return undefined;
  const { base, folders } = decoded.header;
  const { at, keyOf } = indexSnapshotPaths({ paths: decoded.paths, base, folders });
  const files: number[] = [];
  const ends: number[] = [];
  const steps = new Map<string, number>();
  const stepOf: number[] = [];
  const programs = new Map<string, number>();
  for (let i = 0; i < tasks.length; i += 1) {
    const task = tasks[i] as Task;
    if (task.id !== i + 1 || task.temporary === true) return undefined;
    for (const name of [...task.inputs, ...task.outputs]) {
      const from = name.endsWith('/') ? undefined : at.get(keyOf(task.cwd, name, undefined));
      if (from === undefined) return undefined;
      files.push(from / STAMP_WORDS);
    }
    ends.push(files.length);
    let step = steps.get(task.step);
    if (step === undefined) steps.set(task.step, (step = steps.size));
    stepOf.push(step);
    const program = task.action.kind === 'argv' ? task.action.argv[0] : undefined;
    if (typeof program === 'string' && !programs.has(`${task.cwd}\0${program}`)) programs.set(`${task.cwd}\0${program}`, i);
  }
  const digest = digestSnapshotPaths({ bytes: snapshot, namesAt: decoded.wordsAt + decoded.words.byteLength, base, folders });
  return { digest, files, ends, steps: [...steps.keys()], stepOf, programs: [...programs.values()] };
}

/** The digest of the paths of the snapshot `unchanged` was read from. */
export function digestOfUnchanged(unchanged: UnchangedFiles): string {
  const { snapshot, words, base, folders } = unchanged;
  return digestSnapshotPaths({ bytes: snapshot.bytes, namesAt: snapshot.wordsAt + words.byteLength, base, folders });
}

// Its folder, how many paths are folders, and the paths as stored (snapshot-file.ts).
function digestSnapshotPaths(snapshot: { bytes: Buffer; namesAt: number; base: string; folders: number }): string {
  return createHash('sha256').update(`${snapshot.base}\0${snapshot.folders}\0`).update(snapshot.bytes.subarray(snapshot.namesAt)).digest('hex');
}
