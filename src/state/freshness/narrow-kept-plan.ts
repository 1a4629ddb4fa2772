// A kept plan (kept-plan.ts) narrowed to what an edit can touch: after one input of 10,000 tasks
// changed, the run is given the task that reads it and the tasks downstream of it; the others are
// settled, counted up to date without being surveyed or scheduled (~50 ms of a full check of
// 10,000 tasks on this machine: the survey's pass over every task, and the run's states for them).
//
// Safe because a settled task is one the full check would find up to date and leave so:
// - the snapshot vouches for every file it names (unchanged-files.ts: the survey takes such a task
//   as up to date on its own);
// - no task it needs is in the run (those downstream of a task in the run are in it too), so
//   nothing remakes its inputs, and it is never judged again;
// - tasks are tied only by the files they name: a plan whose tasks are also tied otherwise (a
//   temporary output a task may have to remake, a folder another task makes) is not narrowed,
//   and a task that names a folder is never vouched for, so never settled;
// - the session takes the whole plan when the snapshot is no longer the one read (another run
//   held the lock since: run-session.ts).

import type { Task } from '../../kernel/task.ts';
import type { SettledTasks } from '../../schedule/run-events.ts';
import { debugLog } from '../../process/debug-log.ts';
import type { KeptPlan } from './kept-plan.ts';
import { createSnapshotVouch, type SnapshotVouch, type UnchangedFiles } from './unchanged-files.ts';

/** The tasks of a kept plan that a run after an edit is given, and the plan they were taken from. */
export interface NarrowedPlan extends KeptPlan {
  readonly settled: SettledTasks;
  readonly whole: KeptPlan;
  /** What the snapshot vouched for: the survey's, while the snapshot holds. */
  readonly vouch: SnapshotVouch;
}

/**
 * The kept plan narrowed to the tasks some changed file is named by and those downstream of them;
 * undefined when every task is one of them, or when the plan is not one to narrow.
 */
export function narrowKeptPlan(kept: KeptPlan, unchanged: UnchangedFiles): NarrowedPlan | undefined {
  if ((kept.folderLinks?.size ?? 0) > 0) return notNarrowed('steps read folders that tasks make');
  const vouch = createSnapshotVouch(unchanged);
  const dependents = new Map<number, number[]>();
  kept.dependencies.forEach((needs, id) => {
    for (let i = 0; i < needs.length; i += 1) {
      const list = dependents.get(needs[i] as number);
      if (list === undefined) dependents.set(needs[i] as number, [id]);
      else list.push(id);
    }
  });
  const given = new Set<number>();
  const queue: number[] = [];
  for (let i = 0; i < kept.tasks.length; i += 1) {
    const task = kept.tasks[i] as Task;
    if (task.temporary === true) return notNarrowed(`step ${task.step} is temporary`);
    // A task naming a folder is never vouched for (its stamp stands for the files in it): it runs.
    if (!vouch(task)) {
      given.add(task.id);
      queue.push(task.id);
    }
  }
  for (let head = 0; head < queue.length; head += 1) {
    for (const dependent of dependents.get(queue[head] as number) ?? []) {
      if (given.has(dependent)) continue;
      given.add(dependent);
      queue.push(dependent);
    }
  }
  if (given.size === kept.tasks.length) return undefined;
  const tasks = kept.tasks.filter((task) => given.has(task.id));
  debugLog('up-to-date', `the run is given the ${tasks.length} tasks that the changed files touch; ${kept.tasks.length - tasks.length} settled`);
  const dependencies = new Map<number, readonly number[]>();
  for (const task of tasks) {
    const needs = kept.dependencies.get(task.id);
    if (needs !== undefined) dependencies.set(task.id, needs.filter((id) => given.has(id)));
  }
  return {
    tasks,
    dependencies,
    targets: new Set([...kept.targets].filter((id) => given.has(id))),
    folderLinks: undefined,
    listings: kept.listings,
    settled: { count: kept.tasks.length - tasks.length, steps: countSettled(kept.tasks, given) },
    whole: kept,
    vouch,
  };
}

function notNarrowed(why: string): undefined {
  debugLog('up-to-date', `every task of the kept plan is surveyed: ${why}`);
  return undefined;
}

// Every step in the order of its first task, with how many of its tasks are not in `kept`.
function countSettled(tasks: readonly Task[], kept: ReadonlySet<number>): [string, number][] {
  const counts = new Map<string, number>();
  for (let i = 0; i < tasks.length; i += 1) {
    const task = tasks[i] as Task;
    counts.set(task.step, (counts.get(task.step) ?? 0) + (kept.has(task.id) ? 0 : 1));
  }
  return [...counts];
}
