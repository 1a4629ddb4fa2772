import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BugError } from '../../src/errors.ts';
import { isSettled, moveAttempt, type SlurmAttemptState } from '../../src/execute/slurm/attempt-state.ts';

describe('moveAttempt', () => {
  it('moves an attempt on Slurm along every path the watcher takes', () => {
    const paths: SlurmAttemptState[][] = [
      ['waiting', 'submitting', 'submitted', 'ending', 'ended'],
      ['waiting', 'submitting', 'submitted', 'cancelling', 'ending', 'ended'],
      ['waiting', 'submitting', 'ending', 'ended'],
      ['waiting', 'submitted', 'ending', 'ended'],
      ['waiting', 'ending', 'ended'],
    ];
    for (const path of paths) {
      const attempt = { state: path[0] as SlurmAttemptState };
      for (const to of path.slice(1)) {
        moveAttempt(attempt, to);
        assert.equal(isSettled(attempt), to === 'ending' || to === 'ended', path.join(' → '));
      }
      assert.equal(attempt.state, 'ended');
      assert.equal(isSettled(attempt), true);
    }
  });

  it('throws a BugError on a move the watcher never makes, and leaves the attempt as it was', () => {
    const illegal: [SlurmAttemptState, SlurmAttemptState][] = [
      ['waiting', 'cancelling'],
      ['waiting', 'ended'],
      ['submitting', 'submitting'],
      ['submitting', 'cancelling'],
      ['submitted', 'submitted'],
      ['submitted', 'ended'],
      ['cancelling', 'submitted'],
      ['ending', 'submitted'],
      ['ending', 'ending'],
      ['ended', 'ending'],
    ];
    for (const [from, to] of illegal) {
      const attempt = { state: from };
      assert.throws(
        () => moveAttempt(attempt, to),
        (error: unknown) => error instanceof BugError && error.message === `Slurm attempt moved from ${from} to ${to} (this is a bug in sluice)`,
      );
      assert.equal(attempt.state, from);
    }
  });
});
