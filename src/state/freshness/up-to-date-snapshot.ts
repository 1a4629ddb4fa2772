// What a run that found every task up to date saw (or, after tasks ran, what judging them again
// saw: session/leave-snapshot.ts): the stamps of every input and output, and of every folder the
// plan listed. When the next run of the same pipeline (same code, parameters,
// steps and targets) finds every stamp unchanged, planning and signing would give the same tasks
// and the same verdicts, so it can stop there: a no-op run of 10,000 tasks then costs a stat per
// file instead of a plan, 10,000 signatures and two table scans (see bench/noop-rerun.ts).
//
// Safe because:
// - an input's stamp was trusted by the hash cache (racily clean rule included, on mtime and
//   ctime), or by the task's stamps the full check learned from such a trust (task-stamps.ts),
//   so an equal stamp gives the same hash, hence the same signature;
// - an output's stamp equals the one its last success recorded, as the full check requires;
// - a folder is only vouched for when its mtime was older than the listing by the racy margin
//   (a folder's mtime changes when an entry is added, removed or renamed);
// - every run deletes the snapshot once it holds the lock, before it may change anything, and
//   writes one only when every task is up to date at its end; `sluice clean` deletes it too.

import fs from 'node:fs';
import path from 'node:path';
import type { Task } from '../../kernel/task.ts';
import { stateDirOf } from '../store/state-dir.ts';
import { isPlainRelative, resolveTaskPath } from '../../kernel/resolve-task-path.ts';
import { RACY_MARGIN_NS, statFile, type FileStat } from '../hashes/stat-file.ts';
import { ABSENT, createStampCheck, fullStampOf, STAMP_WORDS, stampWords, wordsOfStat } from './check-stamps.ts';
import type { UnchangedFiles } from './unchanged-files.ts';
import type { KeptPlan, PlanIdentity } from './kept-plan.ts';
import { decodeSnapshot, encodeSnapshot, type Snapshot } from './snapshot-file.ts';
import { writeFileAtomically } from '../../kernel/write-atomically.ts';

const FOLDER = 'up-to-date';
export { ABSENT };
export type { Snapshot };

/** Where the snapshot of the pipeline file `pipelineFile`, in the folder `root`, lives. */
export function snapshotPathOf(root: string, pipelineFile: string): string {
  return path.join(stateDirOf(root), FOLDER, `${path.basename(pipelineFile).replace(/[^A-Za-z0-9._-]/g, '_')}.snapshot`);
}

// The folder `root` of the snapshot `file` (snapshotPathOf): most of its paths are below it.
function rootOf(file: string): string {
  return path.dirname(path.dirname(path.dirname(file)));
}

/** What a run needs to leave a snapshot, should it find every task up to date. */
export interface SnapshotRequest {
  /** Where it goes: `snapshotPathOf(root, pipeline file)`. */
  readonly file: string;
  readonly key: string;
  /** The folders the plan listed (absolute) and their stamps (`fullStampOf`, or ABSENT) before listing. */
  readonly folders: ReadonlyMap<string, string>;
  /** When the listing began, in ns since the epoch: a folder changed since then is racy. */
  readonly listedAtNs: bigint;
  /** The plan to keep with the snapshot, for the run after an edit (kept-plan.ts). */
  readonly keep?: { readonly identity: PlanIdentity; readonly plan: KeptPlan } | undefined;
}

/** Whether a folder's stamp before a listing that began at `listedAtNs` vouches for the listing. */
export function isSettledFolder(stamp: string, listedAtNs: bigint): boolean {
  return stamp === ABSENT || BigInt(stamp.split(':')[1] as string) + RACY_MARGIN_NS <= listedAtNs;
}

/**
 * A file as the survey saw it: its stat, or its stamp's words (a task's learned stamps,
 * task-stamps.ts); null when absent.
 */
export type ObservedStamp = FileStat | ArrayLike<number> | null;

/** What the survey of an all-up-to-date run saw, by absolute path. */
export interface ObservedStamps {
  /** Inputs whose cached hash was trusted. */
  readonly inputs: ReadonlyMap<string, ObservedStamp>;
  /** Outputs compared with their last success. */
  readonly outputs: ReadonlyMap<string, ObservedStamp>;
  /**
   * Tasks confirmed by their learned stamps (task-stamps.ts), by id: the words of their inputs
   * then outputs, from index 1.
   */
  readonly confirmed?: ReadonlyMap<number, ArrayLike<number>> | undefined;
}

/**
 * The snapshot of a run whose survey found every task up to date, or undefined when some
 * stamp cannot vouch for its file: an input hashed anew (changed, or too recent to trust), a
 * folder changed within the racy margin, a file seen with two stamps, a folder output.
 */
export function takeSnapshot(request: SnapshotRequest, tasks: readonly Task[], observed: ObservedStamps): Snapshot | undefined {
  // The words go into one array made for every file the plan names (fewer when a file is named
  // twice): 10,000 tasks give 200,000 words, which a growing list of numbers made a cost.
  let files = request.folders.size;
  for (let i = 0; i < tasks.length; i += 1) files += (tasks[i] as Task).inputs.length + (tasks[i] as Task).outputs.length;
  const words = new Int32Array(files * STAMP_WORDS);
  // Where each path's words begin in `words`, by `keyOf` the path.
  const at = new Map<string, number>();
  const keyOf = createKeyOf(tasks[0]?.cwd);
  const paths: string[] = [];
  let end = 0;
  for (const [folder, stamp] of request.folders) {
    if (!isSettledFolder(stamp, request.listedAtNs)) return undefined;
    const key = keyOf(undefined, folder, folder);
    if (at.has(key)) continue;
    at.set(key, end);
    paths.push(folder);
    words.set(stampWords(stamp), end);
    end += STAMP_WORDS;
  }
  const folders = paths.length;
  // The words at `end` are `file`'s: kept for a file seen first; for one seen before, whether
  // they are the words it had then.
  // `file`: the absolute path, or (made only for a file seen first) the task's folder and name.
  const keep = (file: string, key: string, cwd?: string): boolean => {
    const known = at.get(key);
    if (known === undefined) {
      at.set(key, end);
      paths.push(cwd === undefined ? file : resolveTaskPath(cwd, file));
      end += STAMP_WORDS;
      return true;
    }
    for (let i = 0; i < STAMP_WORDS; i += 1) if (words[known + i] !== words[end + i]) return false;
    return true;
  };
  // A file's observed stamp (undefined: not observed, it cannot vouch).
  const add = (file: string, key: string, stamp: ObservedStamp | undefined): boolean => {
    if (stamp === undefined) return false;
    if (stamp === null || 'size' in stamp) wordsOfStat(stamp ?? undefined, words, end);
    else for (let i = 0; i < STAMP_WORDS; i += 1) words[end + i] = stamp[i] as number;
    return keep(file, key);
  };
  for (let i = 0; i < tasks.length; i += 1) {
    const task = tasks[i] as Task;
    const confirmed = observed.confirmed?.get(task.id);
    if (confirmed !== undefined) {
      // The task's learned words: its inputs then its outputs, from index 1.
      const files = task.inputs.length + task.outputs.length;
      for (let j = 0; j < files; j += 1) {
        const name = (j < task.inputs.length ? task.inputs[j] : task.outputs[j - task.inputs.length]) as string;
        if (name.endsWith('/')) return undefined;
        for (let k = 0; k < STAMP_WORDS; k += 1) words[end + k] = confirmed[1 + j * STAMP_WORDS + k] as number;
        // No absolute path for a plain name below the tasks' folder that was seen before.
        const key = keyOf(task.cwd, name, undefined);
        if (!keep(name, key, task.cwd)) return undefined;
      }
      continue;
    }
    for (let j = 0; j < task.inputs.length; j += 1) {
      const file = resolveTaskPath(task.cwd, task.inputs[j] as string);
      if (!add(file, keyOf(task.cwd, task.inputs[j] as string, file), observed.inputs.get(file))) return undefined;
    }
    for (let j = 0; j < task.outputs.length; j += 1) {
      const output = task.outputs[j] as string;
      // A folder output's stamp stands for the files in it (statFolderTree), which one stat of
      // the folder cannot confirm: a file rewritten inside leaves the folder's own stat as it was.
      if (output.endsWith('/')) return undefined;
      const file = resolveTaskPath(task.cwd, output);
      if (!add(file, keyOf(task.cwd, output, file), observed.outputs.get(file))) return undefined;
    }
  }
  return { key: request.key, tasks: tasks.length, paths, folders, words: words.subarray(0, end) };
}

/**
 * One key per file, whatever task names it: the path as the task names it when it is a plain
 * path below `base` (a string the planner made and hashed already, where a new absolute path
 * costs the Map a copy and a hash: ~1 µs a file), else what the absolute path is below `base`,
 * else the absolute path.
 */
export function createKeyOf(base: string | undefined): (cwd: string | undefined, name: string, absolute: string | undefined) => string {
  const prefix = base === undefined || path.sep !== '/' ? undefined : `${base}/`;
  // `absolute` undefined: resolved here from `cwd` and `name` when the key needs it.
  return (cwd, name, given) => {
    if (prefix !== undefined && cwd === base && isPlainRelative(name)) return name;
    const absolute = given ?? (cwd === undefined ? name : resolveTaskPath(cwd, name));
    if (prefix === undefined) return absolute;
    const below = absolute.startsWith(prefix) ? absolute.slice(prefix.length) : '';
    return below !== '' && isPlainRelative(below) ? below : absolute;
  };
}

/**
 * The number of tasks, when the snapshot exists, has this key, and every stamp is as recorded;
 * otherwise why not, in words for `SLUICE_DEBUG`, and (when only files changed, no folder it
 * listed) which files did (unchanged-files.ts).
 */
export function confirmSnapshot(file: string, key: string): { readonly tasks: number } | { readonly why: string; readonly unchanged?: UnchangedFiles } {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    return { why: `no snapshot to confirm (${(error as Error).message})` };
  }
  const stat = statFile(file);
  const read = decodeSnapshot(bytes);
  if ('why' in read) return read;
  const { header, words, paths, wordsAt } = read;
  if (header.key !== key) return { why: 'the pipeline, its parameters, steps, declared environment or targets differ' };
  // Indexed loop, cheapest check first: 20,000 stats are most of a no-op run.
  const check = createStampCheck(file);
  // A path below `base` is stat'ed by its name when `base` is the working folder: the same file,
  // without making 20,000 strings for 10,000 tasks (and collecting them).
  const prefix = header.base === '' || header.base === workingFolder() ? '' : `${header.base}/`;
  let changed: Uint8Array | undefined;
  let why = '';
  for (let i = 0; i < paths.length; i += 1) {
    const name = paths[i] as string;
    if (check(prefix === '' || name.startsWith('/') ? name : prefix + name, words, i * STAMP_WORDS)) continue;
    why ||= `${name.startsWith('/') || header.base === '' ? name : `${header.base}/${name}`} changed`;
    // A folder changed: the plan may differ, and nothing of the snapshot holds.
    if (i < header.folders || stat === undefined) return { why };
    changed ??= new Uint8Array(paths.length);
    changed[i] = 1;
  }
  if (changed === undefined) return { tasks: header.tasks };
  const snapshot = { file, stamp: fullStampOf(stat as FileStat), bytes, wordsAt };
  return { why, unchanged: { snapshot, base: header.base, paths, words, changed, folders: header.folders } };
}

// The working folder; undefined when it was removed (process.cwd() throws then).
function workingFolder(): string | undefined {
  try {
    return process.cwd();
  } catch {
    return undefined;
  }
}

/** The bytes of a snapshot to be written at `file` (its paths named from its folder); undefined: none. */
export function encodeSnapshotFor(file: string, snapshot: Snapshot | Buffer): Buffer | undefined {
  return 'key' in snapshot ? encodeSnapshot(snapshot, path.sep === '/' ? rootOf(file) : '') : snapshot;
}

/** Writes a snapshot (or its bytes) whole under a private name, then renames it into place. */
export function writeSnapshot(file: string, snapshot: Snapshot | Buffer): void {
  const body = encodeSnapshotFor(file, snapshot);
  if (body === undefined) return;
  try {
    writeFileAtomically(file, body, { makeFolder: true });
  } catch {
    // A full disk: without the snapshot the next run only checks every task, as it would anyway.
  }
}

/** Deletes every snapshot under `root`: whatever happens next, the full check runs. */
export function forgetSnapshots(root: string): void {
  fs.rmSync(path.join(stateDirOf(root), FOLDER), { recursive: true, force: true });
}
