import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BugError } from '../../src/errors.ts';
import { moveThread, type ThreadState } from '../../src/pool/thread-state.ts';

describe('moveThread', () => {
  it('moves a thread along every path the pool takes', () => {
    const paths: ThreadState[][] = [
      ['starting', 'idle', 'busy', 'idle', 'busy', 'busy, one behind', 'busy', 'idle', 'ending', 'dead'],
      ['starting', 'dead'],
      ['starting', 'ending', 'dead'],
      ['starting', 'idle', 'dead'],
      ['starting', 'idle', 'busy', 'ending', 'dead'],
      ['starting', 'idle', 'busy', 'dead'],
      ['starting', 'idle', 'busy', 'busy, one behind', 'ending', 'dead'],
      ['starting', 'idle', 'busy', 'busy, one behind', 'dead'],
    ];
    for (const path of paths) {
      const thread = { state: path[0] as ThreadState };
      for (const to of path.slice(1)) moveThread(thread, to);
      assert.equal(thread.state, 'dead', path.join(' → '));
    }
  });

  it('throws a BugError on a move the pool never makes, and leaves the thread as it was', () => {
    const illegal: [ThreadState, ThreadState][] = [
      ['starting', 'busy'],
      ['idle', 'busy, one behind'],
      ['idle', 'idle'],
      ['busy', 'busy'],
      ['busy', 'starting'],
      ['busy, one behind', 'idle'],
      ['busy, one behind', 'busy, one behind'],
      ['ending', 'idle'],
      ['ending', 'ending'],
      ['dead', 'starting'],
      ['dead', 'dead'],
    ];
    for (const [from, to] of illegal) {
      const thread = { state: from };
      assert.throws(
        () => moveThread(thread, to),
        (error: unknown) => error instanceof BugError && error.message === `worker thread moved from ${from} to ${to} (this is a bug in sluice)`,
      );
      assert.equal(thread.state, from);
    }
  });
});
