import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BugError } from '../../src/errors.ts';
import { countStates, isFinal, moveTask, type TaskRecord, type TaskState } from '../../src/schedule/task-state.ts';

function walk(...states: TaskState[]): TaskRecord {
  const record: TaskRecord = { state: states[0] as TaskState, since: 0, attempts: 0 };
  states.slice(1).forEach((to, index) => moveTask(record, to, index + 1));
  return record;
}

describe('moveTask', () => {
  it('moves a task along every path the scheduler takes, and stamps the time', () => {
    const paths: TaskState[][] = [
      ['pending', 'running', 'succeeded'],
      ['pending', 'running', 'committing', 'succeeded'],
      ['pending', 'running', 'committing', 'failed'],
      ['pending', 'running', 'committing', 'retrying', 'running', 'succeeded'],
      ['pending', 'running', 'committing', 'cancelled'],
      ['pending', 'running', 'up to date'],
      ['pending', 'running', 'cancelled'],
      ['pending', 'running', 'retrying', 'held ahead', 'running', 'failed'],
      ['pending', 'running', 'retrying', 'held ahead', 'not run'],
      ['pending', 'running', 'retrying', 'cancelled'],
      ['pending', 'running', 'retrying', 'failed'],
      ['pending', 'held ahead', 'running', 'committing', 'succeeded'],
      ['pending', 'held ahead', 'not run'],
      ['pending', 'held ahead', 'up to date'],
      ['pending', 'up to date'],
      ['pending', 'not run'],
    ];
    for (const path of paths) {
      const record = walk(...path);
      assert.equal(record.state, path.at(-1), path.join(' → '));
      assert.equal(record.since, path.length - 1);
      assert.ok(isFinal(record.state), path.join(' → '));
    }
  });

  it('throws a BugError on a move the scheduler never makes, and leaves the task as it was', () => {
    const illegal: [TaskState, TaskState][] = [
      ['pending', 'succeeded'],
      ['pending', 'committing'],
      ['held ahead', 'committing'],
      ['held ahead', 'succeeded'],
      ['held ahead', 'held ahead'],
      ['running', 'held ahead'],
      ['running', 'running'],
      ['committing', 'running'],
      ['committing', 'up to date'],
      ['succeeded', 'running'],
      ['not run', 'running'],
      ['up to date', 'running'],
    ];
    for (const [from, to] of illegal) {
      const record: TaskRecord = { state: from, since: 7, attempts: 1 };
      assert.throws(
        () => moveTask(record, to, 8),
        (error: unknown) => error instanceof BugError && error.message === `task moved from ${from} to ${to} (this is a bug in sluice)`,
      );
      assert.deepEqual(record, { state: from, since: 7, attempts: 1 });
    }
  });

  it('counts the states a summary shows, and no passing one', () => {
    const records = new Map<number, TaskRecord>([
      [1, walk('pending', 'running', 'succeeded')],
      [2, walk('pending', 'held ahead')],
      [3, walk('pending', 'running', 'committing')],
      [4, walk('pending', 'not run')],
    ]);
    assert.deepEqual(countStates(records), {
      pending: 0, 'up to date': 0, running: 0, retrying: 0, succeeded: 1, failed: 0, cancelled: 0, 'not run': 1,
    });
  });
});
