// A run whose every task the survey found up to date ends without setting up the scheduler's
// states (end-up-to-date-run.ts): its listeners and summary must be those of any run.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EnvironmentError } from '../../src/errors.ts';
import type { Executor } from '../../src/execute/executor.ts';
import type { Task } from '../../src/kernel/task.ts';
import type { RunListener, RunSummary } from '../../src/schedule/run-events.ts';
import { runTasks } from '../../src/schedule/run-tasks.ts';

function makeTask(id: number): Task {
  return { id, step: 's', action: { kind: 'argv', argv: ['true'] }, inputs: [], outputs: [`out/${id}`], cwd: '/', resources: { cpus: 1, retries: 0 } };
}

// An executor that must not be asked to run anything.
function refusingExecutor(): Executor & { readonly submitted: number[] } {
  const submitted: number[] = [];
  return {
    traits: { name: 'refusing', printsStdout: false },
    submitted,
    submit({ task }) {
      submitted.push(task.id);
      return Promise.reject(new Error(`task ${task.id} was submitted`));
    },
    cancel() {},
    async shutdown() {},
  };
}

function recorder(): RunListener & { readonly events: string[] } {
  const events: string[] = [];
  return {
    events,
    onRunStarted: (tasks) => void events.push(`started ${tasks.length}`),
    onTaskStarted: (task) => void events.push(`task started ${task.id}`),
    onTaskUpToDate: (task) => void events.push(`up to date ${task.id}`),
    onTaskSkipped: (task) => void events.push(`skipped ${task.id}`),
    onRunEnded: (summary) => void events.push(`ended ${summary.total} ${summary.counts['up to date']}`),
  };
}

const withoutTimes = ({ startedAt: _s, endedAt: _e, ...rest }: RunSummary): Omit<RunSummary, 'startedAt' | 'endedAt'> => rest;

describe('a run with every task up to date', () => {
  it('tells the listeners and sums up as a run that found the last task up to date as it went', async () => {
    const tasks = [1, 2, 3].map(makeTask);
    const dependencies = new Map([[2, [1]], [3, [2]]]);
    const quick = recorder();
    const quickExecutor = refusingExecutor();
    const quickSummary = await runTasks(tasks, quickExecutor, { jobs: 2, keepGoing: false, dependencies, upToDate: new Set([1, 2, 3]) }, [quick]);
    // The scheduler's own path: task 3 is found up to date once its inputs exist.
    const full = recorder();
    const fullSummary = await runTasks(tasks, refusingExecutor(), { jobs: 2, keepGoing: false, dependencies, upToDate: new Set([1, 2]), decide: () => false }, [full]);
    assert.deepEqual(quick.events, ['started 3', 'up to date 1', 'up to date 2', 'up to date 3', 'ended 3 3']);
    assert.deepEqual(quick.events, full.events);
    assert.deepEqual(withoutTimes(quickSummary), withoutTimes(fullSummary));
    assert.deepEqual(quickExecutor.submitted, []);
    assert.ok(quickSummary.endedAt >= quickSummary.startedAt);
  });

  it('runs what the up-to-date set does not cover', async () => {
    // As many ids as tasks, but one of another task: task 2 must still be decided.
    const tasks = [1, 2].map(makeTask);
    const asked: number[] = [];
    const summary = await runTasks(tasks, refusingExecutor(), { jobs: 1, keepGoing: false, upToDate: new Set([1, 9]), decide: (task) => (asked.push(task.id), false) });
    assert.deepEqual(asked, [2]);
    assert.equal(summary.counts['up to date'], 2);
  });

  it('ends with the fault of a listener that could not write, and rejects on any other error', async () => {
    const tasks = [1, 2].map(makeTask);
    const full = new EnvironmentError('no space left', '/state');
    const later = recorder();
    const failing: RunListener = {
      onRunStarted: () => {
        throw full;
      },
    };
    const summary = await runTasks(tasks, refusingExecutor(), { jobs: 1, keepGoing: false, upToDate: new Set([1, 2]) }, [failing, later]);
    assert.equal(summary.fault, full);
    assert.deepEqual(later.events, ['started 2', 'up to date 1', 'up to date 2', 'ended 2 2']);
    const broken: RunListener = {
      onTaskUpToDate: () => {
        throw new Error('a bug');
      },
    };
    await assert.rejects(runTasks(tasks, refusingExecutor(), { jobs: 1, keepGoing: false, upToDate: new Set([1, 2]) }, [broken]), /a bug/);
  });
});
