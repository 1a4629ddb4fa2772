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
import { resolveTaskPath } from '../../kernel/resolve-task-path.ts';
import { statFile } from '../hashes/stat-file.ts';
import { fullStampOf, STAMP_WORDS, wordsOfStat } from './check-stamps.ts';
import { createKeyOf, type ObservedStamp, type ObservedStamps } from './up-to-date-snapshot.ts';

export interface UnchangedFiles {
  /** The snapshot's file, its stamp and bytes when it was read, and where its words begin. */
  readonly snapshot: { readonly file: string; readonly stamp: string; readonly bytes: Buffer; readonly wordsAt: number };
  /** Its paths (below `base` named from it), their words, and which (1) changed since. */
  readonly base: string;
  readonly paths: readonly string[];
  readonly words: Int32Array;
  readonly changed: Uint8Array;
  /** How many of `paths`, first, are folders: none of them changed. */
  readonly folders: number;
}

/** Whether the snapshot is still there as it was read: no run held the lock since. */
export function isStillCurrent(unchanged: UnchangedFiles): boolean {
  const stat = statFile(unchanged.snapshot.file);
  return stat !== undefined && fullStampOf(stat) === unchanged.snapshot.stamp;
}

/** Whether the snapshot vouches for a task: it names each of its files and none changed. */
export interface SnapshotVouch {
  (task: Task): boolean;
  /** The tasks it vouched for, by id. */
  readonly ids: ReadonlySet<number>;
  /** Where each file the snapshot names (folders aside) has its words, by `createKeyOf` key. */
  readonly at: ReadonlyMap<string, number>;
  readonly keyOf: ReturnType<typeof createKeyOf>;
}

/** Where each file a snapshot names (folders aside) has its words, by `keyOf` key. */
export function indexSnapshotPaths(snapshot: Pick<UnchangedFiles, 'paths' | 'base' | 'folders'>): Pick<SnapshotVouch, 'at' | 'keyOf'> {
  const { paths } = snapshot;
  const at = new Map<string, number>();
  for (let i = snapshot.folders; i < paths.length; i += 1) at.set(paths[i] as string, i * STAMP_WORDS);
  return { at, keyOf: createKeyOf(snapshot.base === '' ? undefined : snapshot.base) };
}

/**
 * `indexed`: where the files of the only tasks it will be asked about have their words (a
 * narrowed plan's: narrow-kept-plan.ts), instead of every file the snapshot names.
 */
export function createSnapshotVouch(unchanged: UnchangedFiles, indexed?: Pick<SnapshotVouch, 'at' | 'keyOf'>): SnapshotVouch {
  const { changed } = unchanged;
  const { at, keyOf } = indexed ?? indexSnapshotPaths(unchanged);
  const ids = new Set<number>();
  const vouch = (task: Task): boolean => {
    const inputs = task.inputs.length;
    const files = inputs + task.outputs.length;
    if (files === 0) return false;
    for (let j = 0; j < files; j += 1) {
      const name = (j < inputs ? task.inputs[j] : task.outputs[j - inputs]) as string;
      // A folder's stamp stands for the files in it, which one stat cannot confirm.
      if (name.endsWith('/')) return false;
      const from = at.get(keyOf(task.cwd, name, undefined));
      if (from === undefined || changed[from / STAMP_WORDS] !== 0) return false;
    }
    ids.add(task.id);
    return true;
  };
  return Object.assign(vouch, { ids, at, keyOf });
}

/**
 * The bytes of the snapshot to leave after a run that used `vouch` and found every task up to
 * date at its end: the one read, with the words of each file that a task it did not vouch for
 * names replaced by what the run observed (the plan being the same, those tasks name every file
 * that changed). `upToDate`: the tasks the survey found up to date; the others ran.
 * Undefined when some file cannot be vouched for so:
 * - a file that changed since the snapshot was observed by no task, or with two stamps;
 * - a file unchanged since, observed with another stamp, unless it is an output of a task that
 *   ran (every task reading it ran after it, judged again: none was vouched for).
 */
export function patchSnapshot(
  unchanged: UnchangedFiles,
  vouch: SnapshotVouch,
  tasks: readonly Task[],
  upToDate: ReadonlySet<number>,
  observed: ObservedStamps,
): Buffer | undefined {
  const { snapshot, words: old, changed } = unchanged;
  // A copy of its own: its words are then at a multiple of 4 bytes, as the file has them.
  const bytes = Buffer.from(new Uint8Array(snapshot.bytes).buffer);
  const words = new Int32Array(bytes.buffer, snapshot.wordsAt, old.length);
  const patched = new Uint8Array(changed.length);
  const seen: number[] = [];
  for (let t = 0; t < tasks.length; t += 1) {
    const task = tasks[t] as Task;
    const ran = !upToDate.has(task.id);
    if (!ran && vouch.ids.has(task.id)) continue;
    const confirmed = observed.confirmed?.get(task.id);
    const inputs = task.inputs.length;
    const files = inputs + task.outputs.length;
    for (let j = 0; j < files; j += 1) {
      const name = (j < inputs ? task.inputs[j] : task.outputs[j - inputs]) as string;
      if (name.endsWith('/')) return undefined;
      const from = vouch.at.get(vouch.keyOf(task.cwd, name, undefined));
      if (from === undefined) return undefined;
      if (confirmed !== undefined) {
        for (let k = 0; k < STAMP_WORDS; k += 1) seen[k] = confirmed[1 + j * STAMP_WORDS + k] as number;
      } else {
        const stamp: ObservedStamp | undefined = (j < inputs ? observed.inputs : observed.outputs).get(resolveTaskPath(task.cwd, name));
        if (stamp === undefined) return undefined;
        if (stamp === null || 'size' in stamp) wordsOfStat(stamp ?? undefined, seen, 0);
        else for (let k = 0; k < STAMP_WORDS; k += 1) seen[k] = stamp[k] as number;
      }
      const index = from / STAMP_WORDS;
      let same = true;
      for (let k = 0; k < STAMP_WORDS; k += 1) if (words[from + k] !== seen[k]) same = false;
      if (same) continue;
      const free = changed[index] === 1 ? patched[index] === 0 : ran && j >= inputs && patched[index] === 0;
      if (!free) return undefined;
      for (let k = 0; k < STAMP_WORDS; k += 1) words[from + k] = seen[k] as number;
      patched[index] = 1;
    }
  }
  for (let i = 0; i < changed.length; i += 1) if (changed[i] === 1 && patched[i] === 0) return undefined;
  return bytes;
}
