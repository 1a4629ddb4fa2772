// What a snapshot that no longer confirms every task (up-to-date-snapshot.ts) still says: after an
// edit of one input of 10,000 tasks, every other file is as it was when all tasks were up to
// date. A task of the new plan none of whose files changed is up to date on its own (its
// upstream aside): the survey takes it as such without its learned stamps, its definition or its
// signature, which were most of a full check (~0.3 s of ~0.7 s for 10,000 tasks on this machine).
//
// Safe because:
// - the snapshot's key and every folder it listed are unchanged: the plan is the one the snapshot
//   was taken of (as the no-op short cut holds), so each task's definition is too;
// - each file's stamp is the one the snapshot trusted (an input's hash, an output's success);
// - only the survey's first judgement uses it: a task whose upstream runs is judged again after,
//   without it (schedule/up-to-date-gate.ts);
// - a run that held the lock since the stats deleted the snapshot (open-session.ts), so the
//   session uses them only when the snapshot is still there, as it was (`isStillCurrent`).

import type { Task } from '../../kernel/task.ts';
import { statFile } from '../hashes/stat-file.ts';
import { fullStampOf, STAMP_WORDS } from './check-stamps.ts';
import { createKeyOf } from './up-to-date-snapshot.ts';

export interface UnchangedFiles {
  /** The snapshot's file, and its stamp when it was read. */
  readonly file: string;
  readonly stamp: string;
  /** Its paths (below `base` named from it), their words, and which (1) changed since. */
  readonly base: string;
  readonly paths: readonly string[];
  readonly words: Int32Array;
  readonly changed: Uint8Array;
  /** How many of `paths`, first, are folders: none of them changed. */
  readonly folders: number;
}

/** The stamp of the snapshot file now: '' when it is gone. */
export function stampOfSnapshot(file: string): string {
  const stat = statFile(file);
  return stat === undefined ? '' : fullStampOf(stat);
}

/** Whether the snapshot is still there as it was read: no run held the lock since. */
export function isStillCurrent(unchanged: UnchangedFiles): boolean {
  return unchanged.stamp !== '' && stampOfSnapshot(unchanged.file) === unchanged.stamp;
}

/**
 * For a task, the words of its files (inputs then outputs, from index 1, as learned stamps are
 * laid out) when the snapshot names each and none changed; otherwise undefined. `vouched`
 * counts the tasks it vouched for.
 */
export function createSnapshotVouch(unchanged: UnchangedFiles): { (task: Task): Int32Array | undefined; vouched: number } {
  const { paths, words, changed } = unchanged;
  const keyOf = createKeyOf(unchanged.base === '' ? undefined : unchanged.base);
  const at = new Map<string, number>();
  for (let i = unchanged.folders; i < paths.length; i += 1) if (changed[i] === 0) at.set(paths[i] as string, i * STAMP_WORDS);
  const vouch = (task: Task): Int32Array | undefined => {
    const inputs = task.inputs.length;
    const files = inputs + task.outputs.length;
    let found: Int32Array | undefined;
    for (let j = 0; j < files; j += 1) {
      const name = (j < inputs ? task.inputs[j] : task.outputs[j - inputs]) as string;
      // A folder's stamp stands for the files in it, which one stat cannot confirm.
      if (name.endsWith('/')) return undefined;
      const from = at.get(keyOf(task.cwd, name, undefined));
      if (from === undefined) return undefined;
      found ??= new Int32Array(1 + files * STAMP_WORDS);
      for (let k = 0; k < STAMP_WORDS; k += 1) found[1 + j * STAMP_WORDS + k] = words[from + k] as number;
    }
    if (found !== undefined) vouch.vouched += 1;
    return found;
  };
  vouch.vouched = 0;
  return vouch;
}
