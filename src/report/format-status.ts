import type { Task } from '../kernel/task.ts';
import type { Survey } from '../schedule/up-to-date-gate.ts';

/** One row per step: tasks up to date, out of date, and out of date because their last attempt failed. */
export function formatStatus(steps: readonly string[], tasks: readonly Task[], survey: Survey, failed: ReadonlySet<number>): string {
  const rows = steps.map((step) => {
    const own = tasks.filter((task) => task.step === step);
    const upToDate = own.filter((task) => survey.upToDate.has(task.id)).length;
    const failures = own.filter((task) => !survey.upToDate.has(task.id) && failed.has(task.id)).length;
    const outOfDate = own.length - upToDate - failures;
    const state = own.length === 0 ? 'no tasks' : failures > 0 ? 'failed' : outOfDate > 0 ? 'out of date' : 'up to date';
    return [step, state, String(own.length), String(upToDate), String(outOfDate), String(failures)];
  });
  const header = ['step', 'status', 'tasks', 'up to date', 'out of date', 'failed'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] as string).length)));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, column) => (column < 2 ? cell.padEnd(widths[column] as number) : cell.padStart(widths[column] as number))).join('  ').trimEnd();
  return `${[header, ...rows].map(line).join('\n')}\n`;
}
