import path from 'node:path';
import { PlanError } from '../errors.ts';
import type { Task } from '../kernel/task.ts';
import { didYouMean } from './suggest-name.ts';

export interface SelectedTasks {
  readonly tasks: readonly Task[];
  readonly dependencies: ReadonlyMap<number, readonly number[]>;
  /** Ids of the tasks the targets name; empty without targets. */
  readonly targets: ReadonlySet<number>;
}

/**
 * The tasks that targets (step names, or output paths relative to `cwd`) need, with what they
 * depend on; every task without targets.
 */
export function selectTargets(
  tasks: readonly Task[],
  dependencies: ReadonlyMap<number, readonly number[]>,
  targets: readonly string[],
  cwd: string,
  dir: string,
  file: string,
): SelectedTasks {
  if (targets.length === 0) return { tasks, dependencies, targets: new Set() };
  const stepNames = new Set(tasks.map((task) => task.step));
  const byOutput = new Map(tasks.flatMap((task) => task.outputs.map((output) => [path.resolve(dir, output), task] as const)));
  const wanted: Task[] = [];
  for (const target of targets) {
    if (stepNames.has(target)) {
      for (const task of tasks) if (task.step === target) wanted.push(task);
    } else {
      const task = byOutput.get(path.resolve(cwd, target));
      if (task === undefined) {
        throw new PlanError(`Unknown target \`${target}\`: not a step of ${file} (${[...stepNames].join(', ')}) nor an output of one${didYouMean(target, [...stepNames])}`, { file });
      }
      wanted.push(task);
    }
  }
  const keep = new Set<number>();
  const byId = new Map(tasks.map((task) => [task.id, task]));
  const visit = (id: number): void => {
    if (keep.has(id)) return;
    keep.add(id);
    for (const need of dependencies.get(id) ?? []) visit(need);
  };
  for (const task of wanted) visit(task.id);
  // A temporary output read by a task left out stays: deleting it would make that task's next
  // run make it again.
  const leftOutReaders = new Set<number>();
  dependencies.forEach((needs, id) => {
    if (keep.has(id)) return;
    for (const need of needs) if (keep.has(need) && byId.get(need)?.temporary === true) leftOutReaders.add(need);
  });
  return {
    tasks: tasks.filter((task) => keep.has(task.id)).map((task) => (leftOutReaders.has(task.id) ? { ...task, readersLeftOut: true } : task)),
    dependencies: new Map([...dependencies].filter(([id]) => keep.has(id) && byId.has(id))),
    targets: new Set(wanted.map((task) => task.id)),
  };
}
