import type { Task } from '../kernel/task.ts';
import type { Survey } from '../schedule/up-to-date-gate.ts';

/** What `sluice status` knows beyond the survey: which tasks failed last, and which wait. */
export interface StatusFacts {
  /** Tasks out of date whose last attempt failed. */
  readonly failed: ReadonlySet<number>;
  /** Tasks out of date that cannot run before a failed task upstream of them succeeds. */
  readonly waiting: ReadonlySet<number>;
  /** Steps with no tasks yet, by the steps whose folders will tell their tasks (directory()). */
  readonly waitingSteps: ReadonlyMap<string, readonly string[]>;
}

/**
 * One row per step: tasks up to date, out of date, waiting (for a failed task upstream) and
 * failed; a step whose tasks come from folders not made yet waits for the steps that make them.
 */
export function formatStatus(steps: readonly string[], tasks: readonly Task[], survey: Survey, facts: StatusFacts): string {
  const rows = steps.map((step) => {
    const own = tasks.filter((task) => task.step === step);
    const upToDate = own.filter((task) => survey.upToDate.has(task.id)).length;
    const failures = own.filter((task) => !survey.upToDate.has(task.id) && facts.failed.has(task.id)).length;
    const waiting = own.filter((task) => !survey.upToDate.has(task.id) && facts.waiting.has(task.id)).length;
    const outOfDate = own.length - upToDate - failures - waiting;
    const after = facts.waitingSteps.get(step);
    const state = own.length === 0 ? (after === undefined ? 'no tasks' : `waiting for ${after.join(', ')}`)
      : failures > 0 ? 'failed' : outOfDate > 0 ? 'out of date' : waiting > 0 ? 'waiting' : 'up to date';
    return [step, state, String(own.length), String(upToDate), String(outOfDate), String(waiting), String(failures)];
  });
  const header = ['step', 'status', 'tasks', 'up to date', 'out of date', 'waiting', 'failed'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] as string).length)));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, column) => (column < 2 ? cell.padEnd(widths[column] as number) : cell.padStart(widths[column] as number))).join('  ').trimEnd();
  return `${[header, ...rows].map(line).join('\n')}\n`;
}
