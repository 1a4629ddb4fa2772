// The survey of a folder where nothing ran yet (no state database): no task has a recorded
// success, so every task runs, and saying why needs no hashing. A dry run there writes nothing
// (no `.sluice/` is made) and, without `--explain`, stats no file: a million-task dry run stays
// a plan.

import type { Task } from '../kernel/task.ts';
import { findMissingOutput, statOutputs } from '../state/freshness/check-up-to-date.ts';
import { makeTaskKey } from '../state/freshness/task-key.ts';
import type { Survey, Verdict } from './up-to-date-gate.ts';

export interface StatelessSurveyOptions {
  /** Steps named by `--force` (or every step, `--force-all`). */
  readonly forcedSteps?: ReadonlySet<string> | undefined;
  /** Tell a missing output from an existing one (a stat per output), as the full survey does. */
  readonly statOutputs: boolean;
}

/** The verdicts the state's survey would give with no success recorded: none up to date. */
export function surveyWithoutState(tasks: readonly Task[], options: StatelessSurveyOptions): Survey {
  // Each verdict stats the task's outputs: taken once, all together, as the gate does.
  if (options.statOutputs) {
    const verdicts = new Map<number, Verdict>();
    for (let i = 0; i < tasks.length; i += 1) {
      const task = tasks[i] as Task;
      verdicts.set(task.id, judgeWithoutState(task, options));
    }
    return { upToDate: new Set(), verdicts };
  }
  // Without stats a verdict follows from the task alone: made when asked for, so a million-task
  // dry run holds no verdict, task key and map entry per task (~160 bytes each).
  return { upToDate: new Set(), verdicts: new StatelessVerdicts(tasks, options) };
}

// In the order the gate judges: no outputs, forced, an output missing, then (with no record) never run.
function judgeWithoutState(task: Task, options: StatelessSurveyOptions): Verdict {
  if (task.outputs.length === 0) return { key: String(task.id), upToDate: false, reason: 'no outputs' };
  const key = makeTaskKey(task);
  if (options.forcedSteps?.has(task.step) === true) return { key, upToDate: false, reason: 'forced' };
  const missing = options.statOutputs ? findMissingOutput(task, statOutputs(task), undefined) : undefined;
  if (missing !== undefined) return { key, upToDate: false, reason: 'output missing', path: missing };
  return { key, upToDate: false, reason: 'never run' };
}

/** The verdicts of tasks by id, each judged when it is read. */
class StatelessVerdicts implements ReadonlyMap<number, Verdict> {
  readonly #tasks: readonly Task[];
  readonly #options: StatelessSurveyOptions;
  /** Task ids are 1, 2, 3, ... in order (a `map`, an unfiltered pipeline): found by index. */
  #byId: Map<number, Task> | undefined;

  constructor(tasks: readonly Task[], options: StatelessSurveyOptions) {
    this.#tasks = tasks;
    this.#options = options;
    let dense = true;
    for (let i = 0; i < tasks.length && dense; i += 1) dense = (tasks[i] as Task).id === i + 1;
    if (!dense) this.#byId = new Map(tasks.map((task) => [task.id, task]));
  }

  get size(): number {
    return this.#tasks.length;
  }

  #task(id: number): Task | undefined {
    if (this.#byId !== undefined) return this.#byId.get(id);
    return Number.isInteger(id) && id >= 1 ? this.#tasks[id - 1] : undefined;
  }

  get(id: number): Verdict | undefined {
    const task = this.#task(id);
    return task === undefined ? undefined : judgeWithoutState(task, this.#options);
  }

  has(id: number): boolean {
    return this.#task(id) !== undefined;
  }

  *entries(): MapIterator<[number, Verdict]> {
    for (const task of this.#tasks) yield [task.id, judgeWithoutState(task, this.#options)];
  }

  *keys(): MapIterator<number> {
    for (const task of this.#tasks) yield task.id;
  }

  *values(): MapIterator<Verdict> {
    for (const task of this.#tasks) yield judgeWithoutState(task, this.#options);
  }

  [Symbol.iterator](): MapIterator<[number, Verdict]> {
    return this.entries();
  }

  forEach(callback: (value: Verdict, key: number, map: ReadonlyMap<number, Verdict>) => void, thisArg?: unknown): void {
    for (const task of this.#tasks) callback.call(thisArg, judgeWithoutState(task, this.#options), task.id, this);
  }
}
