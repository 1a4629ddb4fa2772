// A task is up to date only if everything it needs is: the survey's own verdicts settled in
// dependency order, and deleted intermediates brought back where a consumer must run.

import fs from 'node:fs';
import path from 'node:path';
import type { Task } from '../kernel/task.ts';
import type { UpToDateVerdict } from '../state/freshness/check-up-to-date.ts';
import type { Survey, Verdict } from './up-to-date-gate.ts';

/**
 * The survey from each task's own verdict (`own`, in the order of `tasks`): a task whose upstream
 * runs is not up to date, and joins `undecided`, to be judged again once its inputs are remade.
 */
export function settleVerdicts(
  tasks: readonly Task[],
  dependencies: ReadonlyMap<number, readonly number[]>,
  own: readonly UpToDateVerdict[],
  undecided: Set<number>,
): Survey & { readonly upToDate: Set<number>; readonly verdicts: Map<number, Verdict> } {
  const verdicts = new Map<number, Verdict>();
  const upToDate = new Set<number>();
  const indexOf = createIndexOf(tasks);
  const settle = (task: Task): Verdict => {
    const known = verdicts.get(task.id);
    if (known !== undefined) return known;
    let verdict: Verdict = own[indexOf(task.id) as number] as UpToDateVerdict;
    const needs = dependencies.get(task.id) ?? [];
    for (let i = 0; i < needs.length; i += 1) {
      const need = needs[i] as number;
      const index = indexOf(need);
      if (index === undefined) continue;
      const needed = tasks[index] as Task;
      if (settle(needed).upToDate) continue;
      // Its inputs will be remade: judge it again, with their new content, when it is ready.
      undecided.add(task.id);
      if (verdict.upToDate) verdict = { upToDate: false, reason: 'upstream runs', path: needed.outputs[0] ?? needed.step };
    }
    verdicts.set(task.id, verdict);
    if (verdict.upToDate) upToDate.add(task.id);
    return verdict;
  };
  for (let i = 0; i < tasks.length; i += 1) settle(tasks[i] as Task);
  return { upToDate, verdicts };
}

/**
 * A temporary step whose outputs were deleted is up to date only while every task that reads
 * them is: as soon as one consumer must run, the intermediate has to be made again first.
 */
export function remakeNeededTemporaries(
  tasks: readonly Task[],
  dependencies: ReadonlyMap<number, readonly number[]>,
  upToDate: Set<number>,
  verdicts: Map<number, Verdict>,
  deletedByTask: ReadonlyMap<number, ReadonlySet<string>>,
  undecided: Set<number>,
): void {
  if (deletedByTask.size === 0) return;
  const consumers = new Map<number, number[]>();
  for (const [id, needs] of dependencies) for (const need of needs) addTo(consumers, need, id);
  const byId = new Map(tasks.map((task) => [task.id, task]));
  let changed = true;
  while (changed) {
    changed = false;
    for (const [id, deleted] of deletedByTask) {
      if (deleted.size === 0 || !upToDate.has(id)) continue;
      const task = byId.get(id) as Task;
      const missing = task.outputs.find((output) => deleted.has(output) && !fs.existsSync(path.resolve(task.cwd, output)));
      if (missing === undefined) continue;
      const needy = (consumers.get(id) ?? []).filter((consumer) => byId.has(consumer) && !upToDate.has(consumer));
      if (needy.length === 0) continue;
      upToDate.delete(id);
      verdicts.set(id, { key: String(id), upToDate: false, reason: 'output missing', path: missing });
      for (const consumer of needy) undecided.add(consumer);
      changed = true;
    }
  }
}

// A push, not a copy per consumer: a task read by 10,000 others would cost 50 M copies.
function addTo(consumers: Map<number, number[]>, need: number, id: number): void {
  const list = consumers.get(need);
  if (list === undefined) consumers.set(need, [id]);
  else list.push(id);
}

/**
 * A task's position in `tasks` by its id. The planners number tasks 1, 2, 3, ... in order: then
 * the id says where the task is, without a Map of 10,000 entries per survey.
 */
function createIndexOf(tasks: readonly Task[]): (id: number) => number | undefined {
  let dense = true;
  for (let i = 0; i < tasks.length && dense; i += 1) dense = (tasks[i] as Task).id === i + 1;
  if (dense) return (id) => (Number.isInteger(id) && id >= 1 && id <= tasks.length ? id - 1 : undefined);
  const byId = new Map<number, number>();
  for (let i = 0; i < tasks.length; i += 1) byId.set((tasks[i] as Task).id, i);
  return (id) => byId.get(id);
}
