import type { Task } from '../kernel/task.ts';
import type { RunListener } from '../schedule/run-events.ts';

export interface DeferredTasks {
  readonly tasks: readonly Task[];
  readonly dependencies: ReadonlyMap<number, readonly number[]>;
  /** How many tasks wait for a folder output made in this run: the plan is made again after it. */
  readonly deferred: number;
}

/**
 * Takes out of this round the tasks that read inside a folder output (directory()) whose task
 * runs now, and every task after them: the folder's files are known only once it is made, so
 * they are planned again from the new folder (cli/run-rounds.ts). A task reading an up-to-date
 * folder stays.
 */
export function deferBehindFolders(
  tasks: readonly Task[],
  dependencies: ReadonlyMap<number, readonly number[]>,
  folderLinks: ReadonlyMap<number, readonly number[]> | undefined,
  upToDate: ReadonlySet<number>,
): DeferredTasks {
  if (folderLinks === undefined || folderLinks.size === 0) return { tasks, dependencies, deferred: 0 };
  const deferred = new Set<number>();
  folderLinks.forEach((makers, id) => {
    if (makers.some((maker) => !upToDate.has(maker))) deferred.add(id);
  });
  if (deferred.size === 0) return { tasks, dependencies, deferred: 0 };
  const dependents = new Map<number, number[]>();
  dependencies.forEach((needs, id) => {
    for (const need of needs) dependents.set(need, [...(dependents.get(need) ?? []), id]);
  });
  const queue = [...deferred];
  while (queue.length > 0) {
    for (const next of dependents.get(queue.pop() as number) ?? []) {
      if (deferred.has(next)) continue;
      deferred.add(next);
      queue.push(next);
    }
  }
  const kept = tasks.filter((task) => !deferred.has(task.id));
  const keptDependencies = new Map<number, readonly number[]>();
  dependencies.forEach((needs, id) => {
    if (!deferred.has(id)) keptDependencies.set(id, needs);
  });
  return { tasks: kept, dependencies: keptDependencies, deferred: deferred.size };
}

/** Counts the tasks of this run that made a folder output: the plan below them may have changed. */
export function countMadeFolders(): RunListener & { made: number } {
  const counter = {
    made: 0,
    onTaskEnded(task: Task, _attempt: number, outcome: { readonly status: string }, final: boolean): void {
      if (final && outcome.status === 'succeeded' && task.outputs.some((output) => output.endsWith('/'))) counter.made += 1;
    },
  };
  return counter;
}
