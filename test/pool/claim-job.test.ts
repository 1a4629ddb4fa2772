import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createClaim, takeJob } from '../../src/pool/claim-job.ts';

// The pool's side and the thread's side of one thread's claims, played in the orders that a busy
// machine can produce (worker-pool.ts: `ahead`).
describe('claim-job', () => {
  it('lets either the thread take a waiting job or the pool take it back, never both', () => {
    const claim = createClaim();
    const b = claim.offer(0);
    assert.equal(takeJob(claim.shared, b), true);
    assert.equal(claim.takeBack(b), false);
    const c = claim.offer(0);
    assert.equal(claim.takeBack(c), true);
    assert.equal(takeJob(claim.shared, c), false);
    assert.equal(takeJob(claim.shared, 0), true, 'a job posted to an idle thread is never offered');
  });

  it('keeps the offer of a job that runs, as the pool counts it, until the thread has taken it', () => {
    const claim = createClaim();
    // B waits behind a job offered at once; that job answers, and the pool counts B as running
    // before the thread has taken it. C is offered behind B, taken back for an idle thread, and D
    // is offered behind B in turn: the thread must still find B's offer.
    const b = claim.offer(0);
    const c = claim.offer(b);
    assert.equal(claim.takeBack(c), true);
    const d = claim.offer(b);
    assert.equal(takeJob(claim.shared, b), true, 'the thread skipped the job the pool counts as running');
    assert.equal(takeJob(claim.shared, c), false);
    // B answers: D runs, and E is offered behind it.
    const e = claim.offer(d);
    assert.equal(takeJob(claim.shared, d), true);
    assert.equal(takeJob(claim.shared, e), true);
    assert.equal(new Set([b, c, d, e]).size, 4, 'claim numbers are not reused');
  });
});
