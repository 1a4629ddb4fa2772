// A kept plan (kept-plan.ts) narrowed to what an edit can touch: after one input of 10,000 tasks
// changed, the run is given the task that reads it and the tasks downstream of it; the others are
// settled, counted up to date without being read, surveyed or scheduled. Reading 10,000 tasks,
// the survey's pass over them and the run's states for them were ~0.15 s of a 0.45 s full check
// on this machine (bench/noop-rerun.ts, "one input changed").
//
// Safe because a settled task is one the full check would find up to date and leave so:
// - the snapshot vouches for every file it names (unchanged-files.ts: the survey takes such a task
//   as up to date on its own); the kept plan's index says which files each task names, made
//   against a snapshot with the same paths (index-kept-tasks.ts);
// - no task it needs is in the run (those downstream of a task in the run are in it too), so
//   nothing remakes its inputs, and it is never judged again;
// - tasks are tied only by the files they name: a plan whose tasks are also tied otherwise (a
//   temporary output a task may have to remake, a folder another task makes, a folder named) has
//   no index;
// - the session takes the whole plan when the snapshot is no longer the one read (another run
//   held the lock since: run-session.ts).

import { invertDependencies } from '../../kernel/invert-dependencies.ts';
import type { Task } from '../../kernel/task.ts';
import { debugLog } from '../../process/debug-log.ts';
import type { SettledTasks } from '../../schedule/run-events.ts';
import { STAMP_WORDS } from './check-stamps.ts';
import { digestOfUnchanged, type TaskIndex } from './index-kept-tasks.ts';
import type { KeptPlan, KeptPlanFile } from './kept-plan.ts';
import { createSnapshotVouch, type SnapshotVouch, type UnchangedFiles } from './unchanged-files.ts';
import { createKeyOf } from './up-to-date-snapshot.ts';

/** The tasks of a kept plan that a run after an edit is given, and how to read the others. */
export interface NarrowedPlan extends KeptPlan {
  readonly settled: SettledTasks;
  /** Every task of the plan (read then): throws when the kept plan turns out damaged. */
  readonly whole: () => KeptPlan;
  /** What the snapshot vouched for: the survey's, while the snapshot holds. */
  readonly vouch: SnapshotVouch;
  /** The first task to run each program from each folder: the programs to look for again. */
  readonly programs: readonly Task[];
}

/**
 * The kept plan narrowed to the tasks some changed file is named by and those downstream of them;
 * undefined when every task is one of them, or when the plan is not one to narrow.
 */
export function narrowKeptPlan(kept: KeptPlanFile, unchanged: UnchangedFiles): NarrowedPlan | undefined {
  const { index } = kept;
  if (index === undefined) return notNarrowed('it has no index of the files its tasks name');
  if (index.ends.length !== kept.count || digestOfUnchanged(unchanged) !== index.digest) return notNarrowed('its index is of another snapshot');
  const given = touchedTasks(index, unchanged.changed, kept.dependencies);
  if (given === undefined) return notNarrowed('its index names no task for a changed file');
  if (given.length === kept.count) return undefined;
  let tasks: Task[];
  let programs: Task[];
  try {
    tasks = given.map((i) => kept.task(i));
    programs = index.programs.map((i) => kept.task(i));
  } catch (error) {
    return notNarrowed(`a task cannot be read (${(error as Error).message})`);
  }
  // Each task given names the files the index says (else the index is not of these tasks): where
  // their words are is all the vouch is asked, by the survey and by the snapshot's patch.
  const keyOf = createKeyOf(unchanged.base === '' ? undefined : unchanged.base);
  const at = new Map<string, number>();
  for (let t = 0; t < tasks.length; t += 1) {
    const task = tasks[t] as Task;
    const i = given[t] as number;
    const names = [...task.inputs, ...task.outputs];
    const from = i === 0 ? 0 : (index.ends[i - 1] as number);
    if (task.id !== i + 1 || names.length !== (index.ends[i] as number) - from) return notNarrowed('its index is not of its tasks');
    for (let j = 0; j < names.length; j += 1) {
      const place = index.files[from + j] as number;
      const key = keyOf(task.cwd, names[j] as string, undefined);
      if (place < unchanged.folders || unchanged.paths[place] !== key) return notNarrowed('its index is not of its tasks');
      at.set(key, place * STAMP_WORDS);
    }
  }
  const vouch = createSnapshotVouch(unchanged, { at, keyOf });
  const ids = new Set(tasks.map((task) => task.id));
  const dependencies = new Map<number, readonly number[]>();
  for (const task of tasks) dependencies.set(task.id, (kept.dependencies.get(task.id) ?? []).filter((id) => ids.has(id)));
  debugLog('up-to-date', `the run is given the ${tasks.length} tasks that the changed files touch; ${kept.count - tasks.length} settled`);
  return {
    tasks,
    dependencies,
    targets: new Set([...kept.targets].filter((id) => ids.has(id))),
    folderLinks: undefined,
    listings: kept.listings,
    settled: { count: kept.count - tasks.length, steps: countSettled(index, ids) },
    whole: () => kept.whole() ?? fail(),
    vouch,
    programs,
  };
}

// The places of the tasks that name a changed file (or no file: never vouched for), and of those
// downstream of them, in order; undefined when some changed file is named by no task (an index
// not of this snapshot's plan: every changed file is some task's).
function touchedTasks(index: TaskIndex, changed: Uint8Array, dependencies: ReadonlyMap<number, readonly number[]>): number[] | undefined {
  const count = index.ends.length;
  const touched = new Uint8Array(count);
  const named = new Uint8Array(changed.length);
  const queue: number[] = [];
  for (let i = 0, from = 0; i < count; from = index.ends[i] as number, i += 1) {
    const end = index.ends[i] as number;
    let hit = end === from;
    for (let k = from; k < end; k += 1) {
      const place = index.files[k] as number;
      named[place] = 1;
      if (changed[place] === 1) hit = true;
    }
    if (hit) {
      touched[i] = 1;
      queue.push(i);
    }
  }
  for (let place = 0; place < changed.length; place += 1) if (changed[place] === 1 && named[place] !== 1) return undefined;
  // Task id → the ids of the tasks that need it (ids are places + 1: index-kept-tasks.ts).
  const dependents = invertDependencies(dependencies);
  for (let head = 0; head < queue.length; head += 1) {
    for (const dependent of dependents.get((queue[head] as number) + 1) ?? []) {
      if (touched[dependent - 1] === 1) continue;
      touched[dependent - 1] = 1;
      queue.push(dependent - 1);
    }
  }
  const given: number[] = [];
  for (let i = 0; i < count; i += 1) if (touched[i] === 1) given.push(i);
  return given;
}

function notNarrowed(why: string): undefined {
  debugLog('up-to-date', `every task of the kept plan is read: ${why}`);
  return undefined;
}

function fail(): never {
  throw new Error('the kept plan of the last run is damaged: run again, it is planned anew');
}

// Every step in the order of its first task, with how many of its tasks are not given.
function countSettled(index: TaskIndex, given: ReadonlySet<number>): [string, number][] {
  const counts = new Int32Array(index.steps.length);
  for (let i = 0; i < index.stepOf.length; i += 1) {
    const step = index.stepOf[i] as number;
    if (!given.has(i + 1)) counts[step] = (counts[step] as number) + 1;
  }
  return index.steps.map((step, i) => [step, counts[i] as number]);
}
