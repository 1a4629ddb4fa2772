// The plan a snapshot was taken of, kept beside the state: after an edit of one input of 10,000
// tasks, the snapshot says that only files changed (unchanged-files.ts), so planning would give
// the same tasks again; reading them back costs a third of planning them (~30 ms against ~100 ms
// for 10,000 tasks on this machine, bench/noop-rerun.ts "one input changed"), and reading only
// the tasks the changed files touch (narrow-kept-plan.ts) a few milliseconds.
//
// Safe because a kept plan is only used when:
// - it was kept with a snapshot taken of it, or patched for it, and that snapshot confirms that
//   the key (code, parameters, steps, declared environment, targets) and every folder the plan
//   listed are unchanged: only files changed (the no-op short cut's own rule);
// - its own header says the same key, -j ({threads}), PATH (the bash a shell step names) and
//   folder stamps, each stamp older than the listing by the racy margin when it was kept and
//   equal to the folder's now (a folder changed since has a later mtime);
// - every file that changed since the snapshot is a regular file now: a file that went, or
//   became a folder, could make planning refuse the pipeline, which planning again then says.
// The programs the tasks run are looked for again by the caller, as planning would.

import fs from 'node:fs';
import path from 'node:path';
import type { Task } from '../../kernel/task.ts';
import { writeFileAtomically } from '../../kernel/write-atomically.ts';
import { debugLog } from '../../process/debug-log.ts';
import type { UnchangedFiles } from './unchanged-files.ts';
import { isSettledFolder } from './up-to-date-snapshot.ts';
import { createTaskReader, packTasks } from './pack-tasks.ts';
import { checkCurrent, parseHeader, readHeaderLine, VERSION, type Header } from './kept-plan-header.ts';
import { indexKeptTasks, type TaskIndex } from './index-kept-tasks.ts';

// A larger plan is planned again: its text would take hundreds of MB at the end of the run that
// keeps it (~190 bytes a task of one copy step), and seconds to write.
const MAX_TASKS = 250_000;

/** What else than the snapshot's key the tasks depend on. */
export interface PlanIdentity {
  /** Where the plan is kept: `keptPlanPathOf(snapshot file)`. */
  readonly file: string;
  readonly key: string;
  readonly jobs: number;
  readonly path: string;
}

/** The tasks of a plan and what the run needs of it. */
export interface KeptPlan {
  readonly tasks: readonly Task[];
  readonly dependencies: ReadonlyMap<number, readonly number[]>;
  readonly targets: ReadonlySet<number>;
  readonly folderLinks?: ReadonlyMap<number, readonly number[]> | undefined;
  readonly listings: { readonly folders: Map<string, string>; readonly exact: boolean; readonly startedAtNs: bigint };
}


// The line after the header: everything but the tasks, which follow, a line each.
interface Meta {
  readonly listedAtNs: string;
  readonly keys: string[];
  readonly count: number;
  readonly dependencies: [number, number[]][];
  readonly targets: number[];
  readonly folderLinks: [number, number[]][] | null;
  readonly index: TaskIndex | null;
}

/** A kept plan read back: everything but its tasks, which are read when asked for. */
export interface KeptPlanFile extends Omit<KeptPlan, 'tasks'> {
  readonly count: number;
  /** What narrowing needs (index-kept-tasks.ts), when the plan is one to narrow. */
  readonly index: TaskIndex | undefined;
  /** Task `i` (0-based); throws when its line is damaged. */
  task(i: number): Task;
  /** Every task; undefined (the file removed) when a line is damaged. */
  whole(): KeptPlan | undefined;
}

/** Where the plan of the snapshot `snapshotFile` is kept (not in its folder, which every run deletes). */
export function keptPlanPathOf(snapshotFile: string): string {
  return path.join(path.dirname(path.dirname(snapshotFile)), 'plans', path.basename(snapshotFile).replace(/\.snapshot$/, '.plan'));
}

/** The identity of a plan for this process: its -j and PATH. */
export function planIdentity(snapshotFile: string, key: string, jobs: number): PlanIdentity {
  return { file: keptPlanPathOf(snapshotFile), key, jobs, path: process.env['PATH'] ?? '' };
}

/**
 * Keeps `plan` (its folders settled, as a snapshot's must be) unless the plan kept already has
 * the same header: the same tasks, listed from the same folders, which were settled then too.
 * `snapshot`: the bytes of the snapshot left with it, which its index names files by. A plan that
 * cannot be written is only not kept.
 */
export function keepPlan(identity: PlanIdentity, plan: KeptPlan, snapshot: Buffer): void {
  const { exact, startedAtNs } = plan.listings;
  const folders = [...plan.listings.folders];
  if (!exact || !folders.every(([, stamp]) => isSettledFolder(stamp, startedAtNs))) return;
  if (plan.tasks.length > MAX_TASKS) return;
  const header: Header = { version: VERSION, key: identity.key, jobs: identity.jobs, path: identity.path, folders };
  const line = JSON.stringify(header);
  if (readHeaderLine(identity.file) === line) return;
  try {
    const { keys, lines } = packTasks(plan.tasks);
    const meta: Meta = {
      listedAtNs: String(plan.listings.startedAtNs),
      keys,
      count: lines.length,
      dependencies: [...plan.dependencies] as [number, number[]][],
      targets: [...plan.targets],
      folderLinks: plan.folderLinks === undefined ? null : ([...plan.folderLinks] as [number, number[]][]),
      index: (plan.folderLinks?.size ?? 0) > 0 ? null : (indexKeptTasks(plan.tasks, snapshot) ?? null),
    };
    writeFileAtomically(identity.file, `${line}\n${JSON.stringify(meta)}\n${lines.join('\n')}`, { makeFolder: true });
  } catch (error) {
    debugLog('up-to-date', `plan not kept: ${(error as Error).message}`);
  }
}

/** The kept plan, when it is the one of `unchanged`'s snapshot and still holds; else undefined. */
export function readKeptPlan(identity: PlanIdentity, unchanged: UnchangedFiles): KeptPlanFile | undefined {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(identity.file);
  } catch {
    return undefined;
  }
  const end = bytes.indexOf(10);
  const header = end < 0 ? undefined : parseHeader(bytes.toString('utf8', 0, end));
  const why = end < 0 ? 'is cut short' : checkCurrent(header, identity, unchanged);
  if (why !== undefined || header === undefined) {
    debugLog('up-to-date', `planning again: the kept plan ${why ?? 'is unreadable'}`);
    return undefined;
  }
  try {
    const metaEnd = bytes.indexOf(10, end + 1);
    const meta = JSON.parse(bytes.toString('utf8', end + 1, metaEnd < 0 ? bytes.length : metaEnd)) as Meta;
    if (metaEnd < 0 || !Number.isSafeInteger(meta.count) || !Array.isArray(meta.keys)) throw new Error('its tasks are missing');
    debugLog('up-to-date', `the plan of the last run's snapshot holds: ${meta.count} tasks, not planned again`);
    return readTasksLazily(identity, header, meta, bytes, metaEnd + 1);
  } catch (error) {
    return forget(identity, error);
  }
}

// What the header and meta line say, with the tasks read from `bytes` (from `from` on) when asked.
function readTasksLazily(identity: PlanIdentity, header: Header, meta: Meta, bytes: Buffer, from: number): KeptPlanFile {
  // Where each task's line begins (and, one past the last, where the file ends): found once.
  let starts: number[] | undefined;
  const lineOf = (i: number): string => {
    if (starts === undefined) {
      starts = [from];
      for (let at = bytes.indexOf(10, from); at >= 0; at = bytes.indexOf(10, at + 1)) starts.push(at + 1);
      starts.push(bytes.length + 1);
      if (starts.length !== meta.count + 1) throw new Error(`it has ${starts.length - 1} tasks, not ${meta.count}`);
    }
    return bytes.toString('utf8', starts[i] as number, (starts[i + 1] as number) - 1);
  };
  const task = createTaskReader<Task>(meta.keys, meta.count, lineOf);
  const plan = {
    count: meta.count,
    index: isIndex(meta.index, meta.count) ? meta.index : undefined,
    dependencies: new Map(meta.dependencies),
    targets: new Set(meta.targets),
    folderLinks: meta.folderLinks === null ? undefined : new Map(meta.folderLinks),
    listings: { folders: new Map(header.folders), exact: true, startedAtNs: BigInt(meta.listedAtNs) },
  };
  let whole: KeptPlan | undefined;
  return {
    ...plan,
    task,
    whole() {
      if (whole !== undefined) return whole;
      try {
        const tasks: Task[] = [];
        for (let i = 0; i < meta.count; i += 1) tasks.push(task(i));
        whole = { ...plan, tasks };
        return whole;
      } catch (error) {
        return forget(identity, error);
      }
    },
  };
}

// An index as indexKeptTasks makes it: a damaged one narrows nothing.
function isIndex(index: TaskIndex | null, count: number): index is TaskIndex {
  if (index === null || typeof index !== 'object' || typeof index.digest !== 'string') return false;
  const { files, ends, steps, stepOf, programs } = index;
  if (![files, ends, steps, stepOf, programs].every(Array.isArray)) return false;
  return ends.length === count && stepOf.length === count && stepOf.every((step) => Number.isInteger(step) && step >= 0 && step < steps.length);
}

// A kept plan that cannot be read: its header is the one the next plan kept would have, so it
// is removed, to be written again.
function forget(identity: PlanIdentity, error: unknown): undefined {
  debugLog('up-to-date', `planning again: the kept plan is unreadable (${(error as Error).message})`);
  try {
    fs.rmSync(identity.file, { force: true });
  } catch {
    // Left: planned again each time, as without it.
  }
  return undefined;
}
