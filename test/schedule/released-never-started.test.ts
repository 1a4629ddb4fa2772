import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Attempt, AttemptOutcome, Executor } from '../../src/execute/executor.ts';
import type { Task } from '../../src/kernel/task.ts';
import { runTasks } from '../../src/schedule/run-tasks.ts';

// A task handed over ahead of a free slot, then released into one, that the executor could not
// start after all (the launcher died before it read the release): nothing ran, so it is "not
// run", as a held task called back is, not "cancelled" (which says it was running).
function makeTask(id: number): Task {
  return { id, step: 's', action: { kind: 'argv', argv: ['true'] }, inputs: [], outputs: [], cwd: '/', resources: { cpus: 1, retries: 0 } };
}

function outcome(status: AttemptOutcome['status'], neverStarted = false): AttemptOutcome {
  const now = Date.now();
  return { status, exitCode: status === 'failed' ? 1 : null, signal: null, argv: ['true'], startedAt: now, endedAt: now, stderrLog: '', stderrTail: [], neverStarted };
}

// Task 1 runs and fails; the tasks held behind it are released into the freed slot, one after
// the other, and each ends as never started.
function executorWhoseReleaseFails(log: string[]): Executor {
  return {
    traits: { name: 'launcher gone', printsStdout: false },
    ahead: { limit: 1, accepts: () => true },
    submit({ task, onStart, onHeld }: Attempt): Promise<AttemptOutcome> {
      return new Promise((resolve) => {
        if (onStart === undefined) {
          log.push(`run ${task.id}`);
          setTimeout(() => resolve(outcome(task.id === 1 ? 'failed' : 'succeeded')), 5);
          return;
        }
        onHeld?.(() => {
          log.push(`released ${task.id}`);
          setTimeout(() => resolve(outcome('cancelled', true)), 5);
        });
      });
    },
    cancel(): void {},
    async shutdown(): Promise<void> {},
  };
}

describe('a released task that never started', () => {
  it('is not run, not cancelled, and frees its slot', async () => {
    const log: string[] = [];
    const summary = await runTasks([1, 2, 3].map(makeTask), executorWhoseReleaseFails(log), { jobs: 1, keepGoing: true });
    assert.ok(log.includes('released 2'), log.join(', '));
    assert.deepEqual(summary.counts, { ...summary.counts, failed: 1, 'not run': 2, cancelled: 0, succeeded: 0 });
  });
});
