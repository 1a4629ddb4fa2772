import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Termination } from '../../src/process/track-termination.ts';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function recordSignals(): { sent: string[]; target: { signalGroup(signal: string): void } } {
  const sent: string[] = [];
  return { sent, target: { signalGroup: (signal) => sent.push(signal) } };
}

describe('Termination', () => {
  it('sends SIGTERM on timeout, then SIGKILL after the grace period', async () => {
    const { sent, target } = recordSignals();
    const t = new Termination(target, { timeoutMs: 20, killGraceMs: 60 });
    await sleep(50);
    assert.deepEqual(sent, ['SIGTERM']);
    assert.equal(t.timedOut, true);
    assert.equal(t.state, 'terminating');
    await sleep(80);
    assert.deepEqual(sent, ['SIGTERM', 'SIGKILL']);
    t.end();
  });

  it('ends a silent process as at a timeout, once; a silence after a cancel or a timeout changes nothing', async () => {
    const { sent, target } = recordSignals();
    const t = new Termination(target, { timeoutMs: 60_000, killGraceMs: 30 });
    t.silenced(1000);
    t.silenced(2000);
    await sleep(500);
    assert.deepEqual(sent, ['SIGTERM', 'SIGKILL'], 'the wall timer is not armed again');
    assert.deepEqual([t.timedOut, t.silentMs, t.cancelled], [true, 1000, false]);
    t.end();
    const cancelled = new Termination(recordSignals().target, { killGraceMs: 20 });
    cancelled.cancel();
    cancelled.silenced(1000);
    assert.deepEqual([cancelled.timedOut, cancelled.silentMs, cancelled.cancelled], [false, undefined, true]);
    cancelled.end();
    const wall = new Termination(recordSignals().target, { timeoutMs: 10, killGraceMs: 20 });
    await sleep(300);
    wall.silenced(1000);
    assert.deepEqual([wall.timedOut, wall.silentMs], [true, undefined], 'the wall timeout came first');
    wall.end();
  });

  it('sends no SIGKILL once the process ended', async () => {
    const { sent, target } = recordSignals();
    const t = new Termination(target, { killGraceMs: 20 });
    t.cancel();
    t.cancel();
    t.end();
    t.cancel();
    await sleep(40);
    assert.deepEqual(sent, ['SIGTERM']);
    assert.equal(t.cancelled, true);
    assert.equal(t.timedOut, false);
    assert.equal(t.state, 'ended');
  });

  it('does nothing for a process that ends in time', async () => {
    const { sent, target } = recordSignals();
    const t = new Termination(target, { timeoutMs: 20 });
    t.end();
    t.cancel();
    await sleep(40);
    assert.deepEqual(sent, []);
    assert.equal(t.cancelled, false);
  });
});
