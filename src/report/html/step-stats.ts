// Per-step numbers for the report's table. A task's wall and CPU time add up its attempts;
// its peak memory is the largest of them.

import type { ReportAttempt, ReportStep } from './report-data.ts';

export interface StepStats {
  readonly step: string;
  readonly tasks: number;
  readonly succeeded: number;
  /** Failed or timed out on their last attempt. */
  readonly failed: number;
  readonly upToDate: number;
  /** Cancelled or interrupted on their last attempt. */
  readonly cancelled: number;
  /** Neither run nor up to date: skipped after a failure, or never reached. */
  readonly notRun: number;
  readonly attempts: number;
  /** Over tasks that ran; null when none did. */
  readonly wall: Spread | null;
  /** Over tasks whose CPU time was measured; null when none was. */
  readonly cpu: Spread | null;
  /** Peak resident memory in KiB over tasks where it was measured. */
  readonly maxRssKb: Spread | null;
}

export interface Spread {
  readonly total: number;
  readonly median: number;
  readonly max: number;
  /** How many values it was made of. */
  readonly count: number;
}

interface TaskTotals {
  wallMs: number;
  cpuMs: number | null;
  maxRssKb: number | null;
  last: ReportAttempt;
}

/**
 * One row per step, planned steps first in plan order, then steps that only attempts name (a
 * run that crashed before recording its plan), then a total row named `''` when there are
 * several steps.
 */
export function computeStepStats(steps: readonly ReportStep[], attempts: readonly ReportAttempt[]): StepStats[] {
  const tasksByStep = new Map<string, Map<number, TaskTotals>>();
  const attemptsByStep = new Map<string, number>();
  for (const attempt of attempts) {
    let tasks = tasksByStep.get(attempt.step);
    if (tasks === undefined) tasksByStep.set(attempt.step, (tasks = new Map()));
    attemptsByStep.set(attempt.step, (attemptsByStep.get(attempt.step) ?? 0) + 1);
    const wallMs = Math.max(0, attempt.endedAt - attempt.startedAt);
    const totals = tasks.get(attempt.taskId);
    if (totals === undefined) {
      tasks.set(attempt.taskId, { wallMs, cpuMs: attempt.cpuMs, maxRssKb: attempt.maxRssKb, last: attempt });
      continue;
    }
    totals.wallMs += wallMs;
    if (attempt.cpuMs !== null) totals.cpuMs = (totals.cpuMs ?? 0) + attempt.cpuMs;
    if (attempt.maxRssKb !== null) totals.maxRssKb = Math.max(totals.maxRssKb ?? 0, attempt.maxRssKb);
    if (attempt.attempt > totals.last.attempt) totals.last = attempt;
  }
  const planned = new Map(steps.map((step) => [step.name, step]));
  const names = [...planned.keys(), ...[...tasksByStep.keys()].filter((name) => !planned.has(name))];
  const rows = names.map((name) =>
    statsOf(name, planned.get(name), [...(tasksByStep.get(name)?.values() ?? [])], attemptsByStep.get(name) ?? 0),
  );
  if (rows.length < 2) return rows;
  const all = [...tasksByStep.values()].flatMap((tasks) => [...tasks.values()]);
  const total = statsOf('', undefined, all, attempts.length);
  const upToDate = rows.reduce((sum, row) => sum + row.upToDate, 0);
  const tasks = rows.reduce((sum, row) => sum + row.tasks, 0);
  return [...rows, { ...total, tasks, upToDate, notRun: tasks - total.succeeded - total.failed - total.cancelled - upToDate }];
}

function statsOf(step: string, planned: ReportStep | undefined, tasks: readonly TaskTotals[], attempts: number): StepStats {
  let succeeded = 0;
  let failed = 0;
  let cancelled = 0;
  for (const { last } of tasks) {
    if (last.state === 'succeeded') succeeded++;
    else if (last.state === 'failed' || last.state === 'timed out') failed++;
    else cancelled++;
  }
  const upToDate = planned?.upToDate ?? 0;
  const total = Math.max(planned?.tasks ?? 0, tasks.length + upToDate);
  return {
    step,
    tasks: total,
    succeeded,
    failed,
    upToDate,
    cancelled,
    notRun: total - succeeded - failed - cancelled - upToDate,
    attempts,
    wall: spreadOf(tasks.map((task) => task.wallMs)),
    cpu: spreadOf(tasks.flatMap((task) => (task.cpuMs === null ? [] : [task.cpuMs]))),
    maxRssKb: spreadOf(tasks.flatMap((task) => (task.maxRssKb === null ? [] : [task.maxRssKb]))),
  };
}

/** Total, median and max; null for no values. The median of an even count is the mean of the middle two. */
export function spreadOf(values: readonly number[]): Spread | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return { total: sorted.reduce((sum, value) => sum + value, 0), median, max: sorted[sorted.length - 1] as number, count: sorted.length };
}
