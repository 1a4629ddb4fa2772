import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bug, BugError, BUG_EXIT_STATUS, SluiceError } from '../../src/errors.ts';
import { serveJobs } from '../../src/pool/serve-jobs.ts';

// A broken invariant is a BugError: exit 70, and a message that says so, whoever finds it.
describe('a broken invariant', () => {
  it('throws a BugError that says it is a bug in sluice and ends with exit 70', () => {
    assert.throws(() => bug('a task moved from done to running'), (error: unknown) => {
      assert.ok(error instanceof BugError && error instanceof SluiceError);
      assert.equal(error.exitStatus, BUG_EXIT_STATUS);
      assert.equal(BUG_EXIT_STATUS, 70);
      assert.equal(error.message, 'a task moved from done to running (this is a bug in sluice)');
      return true;
    });
  });

  it('is what serving pool jobs outside a pool thread throws, not a plain Error', () => {
    assert.throws(
      () => serveJobs(() => 0, () => 1),
      (error: unknown) => error instanceof BugError && /^serveJobs must run on a worker pool thread \(this is a bug in sluice\)$/.test(error.message),
    );
  });
});
