import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeStepStats, spreadOf } from '../../src/report/html/step-stats.ts';
import { attempt } from './report-fixtures.ts';

describe('spreadOf', () => {
  it('gives total, median and max', () => {
    assert.deepEqual(spreadOf([5, 1, 3]), { total: 9, median: 3, max: 5, count: 3 });
    assert.deepEqual(spreadOf([4, 1, 3, 10]), { total: 18, median: 3.5, max: 10, count: 4 });
    assert.equal(spreadOf([]), null);
  });
});

describe('computeStepStats', () => {
  it('counts tasks by how their last attempt ended, with up-to-date and not-run tasks from the plan', () => {
    const rows = computeStepStats(
      [
        { name: 'align', tasks: 6, upToDate: 1 },
        { name: 'merge', tasks: 1, upToDate: 0 },
      ],
      [
        attempt({ step: 'align', taskId: 1, startedAt: 0, endedAt: 100 }),
        // Task 2 failed, was retried, then succeeded: one task, two attempts, 150 + 50 ms.
        attempt({ step: 'align', taskId: 2, attempt: 1, final: false, state: 'failed', exitCode: 1, startedAt: 0, endedAt: 150 }),
        attempt({ step: 'align', taskId: 2, attempt: 2, startedAt: 200, endedAt: 250 }),
        attempt({ step: 'align', taskId: 3, state: 'timed out', exitCode: null, signal: 'SIGTERM', startedAt: 0, endedAt: 1000 }),
        attempt({ step: 'align', taskId: 4, state: 'interrupted', exitCode: null, startedAt: 0, endedAt: 20 }),
      ],
    );
    assert.deepEqual(
      rows.map((row) => [row.step, row.tasks, row.succeeded, row.failed, row.upToDate, row.cancelled, row.notRun, row.attempts]),
      [
        ['align', 6, 2, 1, 1, 1, 1, 5],
        ['merge', 1, 0, 0, 0, 0, 1, 0],
        ['', 7, 2, 1, 1, 1, 2, 5],
      ],
    );
    const align = rows[0];
    assert.deepEqual(align?.wall, { total: 1320, median: 150, max: 1000, count: 4 });
    assert.equal(align?.cpu, null);
    assert.equal(rows[1]?.wall, null);
  });

  it('adds CPU time over attempts and keeps the largest peak memory, over the tasks that were measured', () => {
    const [row] = computeStepStats(
      [{ name: 's', tasks: 3, upToDate: 0 }],
      [
        attempt({ taskId: 1, attempt: 1, final: false, state: 'failed', cpuMs: 30, maxRssKb: 9000 }),
        attempt({ taskId: 1, attempt: 2, cpuMs: 10, maxRssKb: 4000 }),
        attempt({ taskId: 2, cpuMs: 5, maxRssKb: 2000 }),
        attempt({ taskId: 3 }),
      ],
    );
    assert.deepEqual(row?.cpu, { total: 45, median: 22.5, max: 40, count: 2 });
    assert.deepEqual(row?.maxRssKb, { total: 11000, median: 5500, max: 9000, count: 2 });
    assert.equal(row?.succeeded, 3);
  });

  it('counts steps known only from attempts (a run that crashed before recording its plan)', () => {
    const rows = computeStepStats([], [attempt({ step: 'x', taskId: 1 }), attempt({ step: 'x', taskId: 2, state: 'running', endedAt: 0 })]);
    assert.deepEqual(rows.map((row) => [row.step, row.tasks, row.succeeded, row.cancelled, row.notRun]), [['x', 2, 1, 1, 0]]);
  });

  it('has no total row for a single step, and no rows for nothing', () => {
    assert.equal(computeStepStats([{ name: 'only', tasks: 2, upToDate: 2 }], []).length, 1);
    assert.deepEqual(computeStepStats([], []), []);
  });
});
