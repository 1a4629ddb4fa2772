import { bug } from '../errors.ts';

/**
 * The lifecycle of one task within a run. `held ahead`: handed to the executor ahead of a free
 * slot (Executor.ahead), not started, holding no slot. `committing`: its program or function has
 * ended and its slot is free while the executor commits its outputs.
 */
export type TaskState =
  | 'pending'
  | 'held ahead'
  | 'up to date'
  | 'running'
  | 'committing'
  | 'retrying'
  | 'succeeded'
  | 'failed'
  | 'cancelled'
  | 'not run';

/** The states a run's summary counts: the passing states (held ahead, committing) are left out. */
export type CountedState = Exclude<TaskState, 'held ahead' | 'committing'>;

const NEXT: Record<TaskState, readonly TaskState[]> = {
  pending: ['running', 'held ahead', 'up to date', 'not run', 'cancelled'],
  // Started in place of a task that ended, or released into a free slot; called back or stopped
  // before it started (not run); found up to date while it waited.
  'held ahead': ['running', 'not run', 'up to date'],
  'up to date': [],
  // Not run: released into a free slot, but it never started (executor's `neverStarted`).
  running: ['committing', 'succeeded', 'failed', 'retrying', 'cancelled', 'up to date', 'not run'],
  // The commit can fail (a failure, retried as any other) or be cut off (cancelled).
  committing: ['succeeded', 'failed', 'retrying', 'cancelled'],
  retrying: ['running', 'held ahead', 'failed', 'cancelled', 'not run'],
  succeeded: [],
  failed: [],
  cancelled: [],
  'not run': [],
};

export interface TaskRecord {
  state: TaskState;
  /** Epoch milliseconds of the last transition. */
  since: number;
  attempts: number;
}

/** The one place a task changes state; an impossible move is a bug. */
export function moveTask(record: TaskRecord, to: TaskState, now = Date.now()): void {
  if (!NEXT[record.state].includes(to)) bug(`task moved from ${record.state} to ${to}`);
  record.state = to;
  record.since = now;
}

export function isFinal(state: TaskState): boolean {
  return NEXT[state].length === 0;
}

/** How many tasks are in each state the summary counts. */
export function countStates(records: ReadonlyMap<number, TaskRecord>): Record<CountedState, number> {
  const counts: Record<CountedState, number> = {
    pending: 0, 'up to date': 0, running: 0, retrying: 0, succeeded: 0, failed: 0, cancelled: 0, 'not run': 0,
  };
  records.forEach((record) => {
    if (record.state !== 'held ahead' && record.state !== 'committing') counts[record.state]++;
  });
  return counts;
}
