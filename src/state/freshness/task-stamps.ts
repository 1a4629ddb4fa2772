// What a full check learned of a task it found up to date, as ninja's log keeps each output's
// mtime: a digest of the task's definition (computeDefinition) and the stamp (size, mtime,
// ctime, inode) of each input and output, stored with its success. The next full check then
// confirms the task with a stat per file and one digest, without the hash cache and without a
// signature; a task whose stamps or definition differ is judged as before, and says why.
//
// Safe because the stamps are learned only from the full check's own verdict, and only where
// that verdict rests on what a stamp can vouch for, as the no-op snapshot trusts it:
// - each input's hash was trusted by the hash cache, racily clean rule included (an equal stamp
//   then gives the same hash); a missing input (a deleted temporary's recorded hash) is not;
// - each output's stat is the one that was compared with the success's; a folder output, whose
//   stat cannot vouch for the files in it, and an absent output (a deleted temporary) are not;
// - equal definitions and equal input hashes give the signature the success recorded;
// - a success recorded again (the task ran) replaces the row, stamps with it: they are NULL
//   until a full check learns them anew. `--force` and deleted temporaries are decided before.

import { isPlainRelative, resolveTaskPath } from '../../kernel/resolve-task-path.ts';
import type { Task } from '../../kernel/task.ts';
import type { FileStat } from '../hashes/stat-file.ts';
import type { StateStore } from '../store/open-store.ts';
import { STAMP_WORDS, wordsOfStat, type StampCheck } from './check-stamps.ts';

// The first word of every stamps blob, in this machine's byte order: a blob written on a
// machine of the other order, or damaged, does not start with it and vouches for nothing.
const MARK = 0x53544d31;

/** What the next full check compares: the task's definition, and its files' stamps. */
export interface LearnedStamps {
  readonly key: string;
  /** The signature the success recorded, found equal: the row is updated only while it holds it. */
  readonly signature: string;
  readonly definition: string;
  readonly stamps: Uint8Array;
}

/** The files a task's stamps are of, in order: its inputs, then its outputs. */
export type StampedTask = Pick<Task, 'inputs' | 'outputs' | 'cwd'>;

/** A file as a check saw it: its stat, or its stamp's words. */
export type SeenStamp = FileStat | ArrayLike<number>;

/** The blob of the stamps of a task's inputs then outputs (each present). */
export function encodeTaskStamps(stats: readonly SeenStamp[]): Uint8Array {
  const words = new Int32Array(1 + stats.length * STAMP_WORDS);
  words[0] = MARK;
  for (let i = 0; i < stats.length; i += 1) {
    const stat = stats[i] as SeenStamp;
    const at = 1 + i * STAMP_WORDS;
    if ('size' in stat) wordsOfStat(stat, words, at);
    else for (let j = 0; j < STAMP_WORDS; j += 1) words[at + j] = stat[j] as number;
  }
  return new Uint8Array(words.buffer);
}

/** The words of a task's recorded stamps, or undefined when there are none it can use. */
export function decodeTaskStamps(blob: Uint8Array | null | undefined, task: StampedTask): Int32Array | undefined {
  if (blob === null || blob === undefined) return undefined;
  if (blob.byteLength !== 4 * (1 + (task.inputs.length + task.outputs.length) * STAMP_WORDS)) return undefined;
  // A view needs 4-byte alignment; a copy has it.
  const aligned = blob.byteOffset % 4 === 0 ? blob : blob.slice();
  const words = new Int32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 4);
  return words[0] === MARK ? words : undefined;
}

/** Whether every input and output of the task has its recorded stamp now. */
export function confirmTaskStamps(task: StampedTask, words: Int32Array, check: StampCheck): boolean {
  // In the process's own folder a plain relative name is stat'ed as it is: no absolute path is
  // made, and the kernel walks two segments, not the folder's every one (~15 % of 20,000 stats'
  // CPU). Only a plain name (no `.` or `..`): it names the same file whichever way it is read.
  const here = task.cwd === process.cwd();
  let at = 1;
  for (let i = 0; i < task.inputs.length; i += 1, at += STAMP_WORDS) {
    if (!check(statPathOf(task.cwd, task.inputs[i] as string, here), words, at)) return false;
  }
  for (let i = 0; i < task.outputs.length; i += 1, at += STAMP_WORDS) {
    if (!check(statPathOf(task.cwd, task.outputs[i] as string, here), words, at)) return false;
  }
  return true;
}

function statPathOf(cwd: string, file: string, here: boolean): string {
  return here && isPlainRelative(file) ? file : resolveTaskPath(cwd, file);
}

/**
 * The stats a task's stamps can be learned from, or undefined when one cannot vouch: an input
 * whose hash was not trusted (`trusted`: the hash cache's stats of trusted files), an output
 * absent or a folder.
 */
export function statsToLearn(
  task: StampedTask,
  trusted: ReadonlyMap<string, SeenStamp | null>,
  outputStats: readonly (FileStat | undefined)[],
): SeenStamp[] | undefined {
  const stats: SeenStamp[] = [];
  for (let i = 0; i < task.inputs.length; i += 1) {
    const stat = trusted.get(resolveTaskPath(task.cwd, task.inputs[i] as string));
    if (stat === undefined || stat === null) return undefined;
    stats.push(stat);
  }
  for (let i = 0; i < task.outputs.length; i += 1) {
    const stat = outputStats[i];
    if (stat === undefined || (task.outputs[i] as string).endsWith('/')) return undefined;
    stats.push(stat);
  }
  return stats;
}

/** Stores what was learned, in one transaction; a row whose success changed since is left alone. */
export function recordTaskStamps(store: StateStore, learned: readonly LearnedStamps[]): void {
  if (learned.length === 0) return;
  const update = store.statement('UPDATE task_successes SET definition = ?, stamps = ? WHERE task_key = ? AND signature = ?');
  store.db.transaction(() => {
    for (const each of learned) update.run(each.definition, each.stamps, each.key, each.signature);
  })();
}
