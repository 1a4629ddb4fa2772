// The plan a snapshot was taken of, kept beside the state: after an edit of one input of 10,000
// tasks, the snapshot says that only files changed (unchanged-files.ts), so planning would give
// the same tasks again; reading them back costs a third of planning them (~30 ms against ~100 ms
// for 10,000 tasks on this machine, bench/noop-rerun.ts "one input changed").
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
import { statFile } from '../hashes/stat-file.ts';
import { ABSENT, fullStampOf } from './check-stamps.ts';
import type { UnchangedFiles } from './unchanged-files.ts';
import { isSettledFolder } from './up-to-date-snapshot.ts';
import { packTasks, unpackTasks, type PackedTasks } from './pack-tasks.ts';

const VERSION = 1;
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

interface Header {
  readonly version: number;
  readonly key: string;
  readonly jobs: number;
  readonly path: string;
  readonly folders: readonly (readonly [string, string])[];
}

interface Body {
  readonly listedAtNs: string;
  readonly tasks: PackedTasks;
  readonly dependencies: [number, number[]][];
  readonly targets: number[];
  readonly folderLinks: [number, number[]][] | null;
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
 * A plan that cannot be written is only not kept.
 */
export function keepPlan(identity: PlanIdentity, plan: KeptPlan): void {
  const { exact, startedAtNs } = plan.listings;
  const folders = [...plan.listings.folders];
  if (!exact || !folders.every(([, stamp]) => isSettledFolder(stamp, startedAtNs))) return;
  if (plan.tasks.length > MAX_TASKS) return;
  const header: Header = { version: VERSION, key: identity.key, jobs: identity.jobs, path: identity.path, folders };
  const line = JSON.stringify(header);
  if (readHeaderLine(identity.file) === line) return;
  try {
    const body = JSON.stringify({
      listedAtNs: String(plan.listings.startedAtNs),
      tasks: packTasks(plan.tasks),
      dependencies: [...plan.dependencies],
      targets: [...plan.targets],
      folderLinks: plan.folderLinks === undefined ? null : [...plan.folderLinks],
    });
    writeFileAtomically(identity.file, `${line}\n${body}`, { makeFolder: true });
  } catch (error) {
    debugLog('up-to-date', `plan not kept: ${(error as Error).message}`);
  }
}

/** The kept plan, when it is the one of `unchanged`'s snapshot and still holds; else undefined. */
export function readKeptPlan(identity: PlanIdentity, unchanged: UnchangedFiles): KeptPlan | undefined {
  let text: string;
  try {
    text = fs.readFileSync(identity.file, 'utf8');
  } catch {
    return undefined;
  }
  const end = text.indexOf('\n');
  const header = end < 0 ? undefined : parseHeader(text.slice(0, end));
  const why = end < 0 ? 'is cut short' : checkCurrent(header, identity, unchanged);
  if (why !== undefined || header === undefined) {
    debugLog('up-to-date', `planning again: the kept plan ${why ?? 'is unreadable'}`);
    return undefined;
  }
  try {
    const body = JSON.parse(text.slice(end + 1)) as Body;
    const tasks = unpackTasks<Task>(body.tasks);
    debugLog('up-to-date', `the plan of the last run's snapshot holds: ${tasks.length} tasks, not planned again`);
    return {
      tasks,
      dependencies: new Map(body.dependencies),
      targets: new Set(body.targets),
      folderLinks: body.folderLinks === null ? undefined : new Map(body.folderLinks),
      listings: { folders: new Map(header.folders), exact: true, startedAtNs: BigInt(body.listedAtNs) },
    };
  } catch (error) {
    debugLog('up-to-date', `planning again: the kept plan is unreadable (${(error as Error).message})`);
    // Its header is the one the next plan kept would have: gone, it is written again.
    try {
      fs.rmSync(identity.file, { force: true });
    } catch {
      // Left: planned again each time, as without it.
    }
    return undefined;
  }
}

function parseHeader(line: string): Header | undefined {
  try {
    return JSON.parse(line) as Header;
  } catch {
    return undefined;
  }
}

// Why the kept plan is not the one to use, in words for SLUICE_DEBUG; undefined when it is. A
// folder that cannot be looked at (EACCES, say) is for planning to say.
function checkCurrent(header: Header | undefined, identity: PlanIdentity, unchanged: UnchangedFiles): string | undefined {
  try {
    return whyNotCurrent(header, identity, unchanged);
  } catch (error) {
    return `cannot be checked (${(error as Error).message})`;
  }
}

function whyNotCurrent(header: Header | undefined, identity: PlanIdentity, unchanged: UnchangedFiles): string | undefined {
  if (header === undefined || header.version !== VERSION || !Array.isArray(header.folders)) return 'is unreadable';
  if (header.key !== identity.key) return 'is of another pipeline, parameters, steps or targets';
  if (header.jobs !== identity.jobs || header.path !== identity.path) return 'was made with another -j or PATH';
  for (const [folder, stamp] of header.folders) {
    const now = statFile(folder);
    if ((now === undefined ? ABSENT : fullStampOf(now)) !== stamp) return `listed ${folder}, which changed`;
  }
  const { paths, changed, base } = unchanged;
  for (let i = 0; i < paths.length; i += 1) {
    if (changed[i] !== 1) continue;
    const name = paths[i] as string;
    const file = name.startsWith('/') || base === '' ? name : `${base}/${name}`;
    if (!isFile(file)) return `names ${file}, which is no longer a file`;
  }
  return undefined;
}

// Whether `file` is a regular file (or a link to one); not when its folder is a file (ENOTDIR).
function isFile(file: string): boolean {
  try {
    return fs.statSync(file, { throwIfNoEntry: false })?.isFile() === true;
  } catch {
    return false;
  }
}

// The first line of the file kept at `file`, or undefined (none, or unreadable: a folder, say).
function readHeaderLine(file: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const buffer = Buffer.alloc(64 * 1024);
    const read = fs.readSync(fd, buffer, 0, buffer.length, 0);
    const end = buffer.subarray(0, read).indexOf(10);
    return end < 0 ? undefined : buffer.toString('utf8', 0, end);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
