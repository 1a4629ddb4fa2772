import { bug } from '../errors.ts';

/** The lifecycle of one task within a run. */
export type TaskState =
  | 'pending'
  | 'up to date'
  | 'running'
  | 'retrying'
  | 'succeeded'
  | 'failed'
  | 'cancelled'
  | 'not run';

const NEXT: Record<TaskState, readonly TaskState[]> = {
  pending: ['running', 'up to date', 'not run', 'cancelled'],
  'up to date': [],
  running: ['succeeded', 'failed', 'retrying', 'cancelled', 'up to date'],
  retrying: ['running', 'failed', 'cancelled', 'not run'],
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
