import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { trackTermination } from '../../src/process/track-termination.ts';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('trackTermination', () => {
  it('sends SIGTERM on timeout, then SIGKILL after the grace period', async () => {
    const sent: string[] = [];
    const t = trackTermination({ timeoutMs: 20, killGraceMs: 40, terminate: () => sent.push('TERM'), kill: () => sent.push('KILL') });
    await sleep(40);
    assert.deepEqual(sent, ['TERM']);
    assert.equal(t.timedOut, true);
    assert.equal(t.state, 'terminating');
    await sleep(50);
    assert.deepEqual(sent, ['TERM', 'KILL']);
    t.end();
  });

  it('sends no SIGKILL once the process ended', async () => {
    const sent: string[] = [];
    const t = trackTermination({ killGraceMs: 20, terminate: () => sent.push('TERM'), kill: () => sent.push('KILL') });
    t.cancel();
    t.cancel();
    t.end();
    t.cancel();
    await sleep(40);
    assert.deepEqual(sent, ['TERM']);
    assert.equal(t.cancelled, true);
    assert.equal(t.timedOut, false);
    assert.equal(t.state, 'ended');
  });

  it('does nothing for a process that ends in time', async () => {
    const sent: string[] = [];
    const t = trackTermination({ timeoutMs: 20, terminate: () => sent.push('TERM'), kill: () => sent.push('KILL') });
    t.end();
    t.cancel();
    await sleep(40);
    assert.deepEqual(sent, []);
    assert.equal(t.cancelled, false);
  });
});
