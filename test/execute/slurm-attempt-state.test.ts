import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BugError } from '../../src/errors.ts';
import { isSettled, moveAttempt, type SlurmAttemptState } from '../../src/execute/slurm/attempt-state.ts';
import { wasNeverStarted } from '../../src/execute/slurm/find-unstarted.ts';
import type { WatchedAttempt } from '../../src/execute/slurm/watcher-context.ts';
import type { Marker } from '../../src/execute/slurm/task-files.ts';

describe('moveAttempt', () => {
  it('moves an attempt on Slurm along every path the watcher takes', () => {
    const paths: SlurmAttemptState[][] = [
      ['waiting', 'submitting', 'submitted', 'ending', 'ended'],
      ['waiting', 'submitting', 'submitted', 'cancelling', 'ending', 'ended'],
      ['waiting', 'submitting', 'ending', 'ended'],
      ['waiting', 'submitted', 'ending', 'ended'],
      ['waiting', 'ending', 'ended'],
      // Its packed element ended before its turn: it goes out again.
      ['waiting', 'submitting', 'submitted', 'waiting', 'submitting', 'submitted', 'ending', 'ended'],
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
      ['cancelling', 'waiting'],
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

describe('wasNeverStarted', () => {
  it('says a task of a packed element never started when a task before it left no marker or was stopped by Slurm', () => {
    const marker = (signalledBySlurm?: true): Marker => ({ status: 'succeeded', exitCode: 0, signal: null, startedAt: 1, endedAt: 2, stderrLog: '', stderrTail: [], signalledBySlurm });
    const make = (): WatchedAttempt => ({ jobId: '7_0' }) as WatchedAttempt;
    const [a, b, c] = [make(), make(), make()] as [WatchedAttempt, WatchedAttempt, WatchedAttempt];
    const pack = [a, b, c];
    for (const attempt of pack) attempt.packMates = pack;
    a.marker = marker();
    assert.deepEqual(pack.map(wasNeverStarted), [false, false, true], 'b ran (killed without a word), c never did');
    b.marker = { ...marker(true), status: 'cancelled' };
    assert.deepEqual([b, c].map(wasNeverStarted), [false, true], 'b was stopped by the signal');
    b.marker = marker();
    assert.equal(wasNeverStarted(c), false, 'c had its turn');
    b.jobId = undefined;
    assert.equal(wasNeverStarted(c), true, 'b went out again: it did not run in this element');
    c.packMates = undefined;
    assert.equal(wasNeverStarted(c), false, 'a task alone in its element always had its turn');
  });
});
