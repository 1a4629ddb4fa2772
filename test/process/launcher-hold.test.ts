// Tasks held ahead of a free slot (HoldOptions): the python launcher starts one the moment a task
// of its own exits with status 0, in that task's place, and no other way but on release; a held
// task that is cancelled never starts; its timeout counts from its real start.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { HoldOptions, Launcher } from '../../src/process/launch-types.ts';
import { startFastLauncher } from '../../src/process/launcher-client.ts';
import { createSpawnLauncher } from '../../src/process/spawn-launcher.ts';
import { useLauncher } from './process-helpers.ts';

interface Held {
  readonly hold: HoldOptions;
  /** Resolves when onStart is called. */
  readonly started: Promise<void>;
  isStarted(): boolean;
  release(): void;
}

function makeHold(): Held {
  let release: (() => void) | undefined;
  let started = false;
  let onStarted!: () => void;
  const startedPromise = new Promise<void>((resolve) => (onStarted = resolve));
  return {
    hold: {
      onStart: () => {
        assert.equal(started, false, 'onStart is called once');
        started = true;
        onStarted();
      },
      onHeld: (give) => (release = give),
    },
    started: startedPromise,
    isStarted: () => started,
    release: () => release?.(),
  };
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

for (const [name, make] of [
  ['python', () => startFastLauncher()],
  ['spawn', async () => createSpawnLauncher()],
] as const) {
  describe(`held tasks (${name} launcher)`, () => {
    const fx = useLauncher<Launcher>(make);
    const { request } = fx;

    it('starts a held task once released', async () => {
      const held = makeHold();
      const task = fx.launcher.start(request(['sh', '-c', 'echo ran > released']), held.hold);
      await pause(300);
      assert.equal(held.isStarted(), false);
      assert.equal(existsSync(path.join(fx.dir, 'released')), false, 'it waits for a slot');
      held.release();
      const result = await task.done;
      assert.equal(result.exitCode, 0);
      assert.equal(held.isStarted(), true);
      assert.ok(existsSync(path.join(fx.dir, 'released')));
    });

    it('drops a held task that is cancelled: it never starts', async () => {
      const held = makeHold();
      const task = fx.launcher.start(request(['sh', '-c', 'echo ran > dropped']), held.hold);
      task.cancel();
      const result = await task.done;
      assert.equal(result.cancelled, true);
      assert.equal(result.pid, 0);
      held.release(); // too late: nothing starts
      await pause(300);
      assert.equal(held.isStarted(), false);
      assert.equal(existsSync(path.join(fx.dir, 'dropped')), false);
    });

    it('close() drops held tasks unstarted', async () => {
      const other = await make();
      const held = makeHold();
      const running = other.start(request(['sleep', '30']));
      const task = other.start(request(['sh', '-c', 'echo ran > closed']), held.hold);
      await other.close();
      assert.equal((await task.done).cancelled, true);
      assert.equal((await running.done).cancelled, true);
      assert.equal(held.isStarted(), false);
      assert.equal(existsSync(path.join(fx.dir, 'closed')), false);
    });
  });
}

describe('held tasks start in place of one that exits 0 (python launcher)', () => {
  const fx = useLauncher(startFastLauncher);
  const { request } = fx;

  it('starts the oldest held task as a task exits 0, before that end is reported', async () => {
    const first = makeHold();
    const second = makeHold();
    const ending = fx.launcher.start(request(['sleep', '0.3']));
    const a = fx.launcher.start(request(['sh', '-c', 'sleep 0.3; echo a > in-place-a']), first.hold);
    const b = fx.launcher.start(request(['sh', '-c', 'echo b > in-place-b']), second.hold);
    const ended = await ending.done;
    assert.equal(ended.exitCode, 0);
    assert.equal(first.isStarted(), true, 'its start is told before the end of the task it replaced');
    assert.equal(second.isStarted(), false, 'one task ended: one held task started');
    assert.equal((await a.done).exitCode, 0);
    // `a` exited 0 in turn: `b` took its place.
    assert.equal((await b.done).exitCode, 0);
    assert.equal(second.isStarted(), true);
  });

  it('after a failure, starts no held task in place of another until the failure is acknowledged', async () => {
    const failures = [['sh', '-c', 'exit 3'], ['sh', '-c', 'kill -9 $$'], ['sluice-no-such-program']];
    for (const argv of failures) {
      const held = makeHold();
      const failing = fx.launcher.start(request(argv));
      const task = fx.launcher.start(request(['sh', '-c', 'echo ran > after-failure']), held.hold);
      const failed = await failing.done;
      assert.ok(failed.exitCode !== 0);
      // Not in place of the failure, nor of a success that follows it.
      assert.equal((await fx.launcher.start(request(['true'])).done).exitCode, 0);
      await pause(300);
      assert.equal(held.isStarted(), false, `held after ${argv.join(' ')}`);
      assert.equal(existsSync(path.join(fx.dir, 'after-failure')), false);
      // The caller stopped: it drops the held task, then acknowledges.
      task.cancel();
      failing.acknowledge?.();
      assert.equal((await task.done).cancelled, true);
    }
    // Every failure acknowledged: held tasks start in place again.
    const held = makeHold();
    // (It must not end before the helper read the held task: it would start nothing.)
    const ending = fx.launcher.start(request(['sleep', '0.2']));
    const task = fx.launcher.start(request(['true']), held.hold);
    await ending.done;
    assert.equal(held.isStarted(), true);
    assert.equal((await task.done).exitCode, 0);
  });

  it('a held task that cannot start in place is a failure: the next waits for the acknowledgement', async () => {
    const missing = makeHold();
    const next = makeHold();
    const ending = fx.launcher.start(request(['sleep', '0.2']));
    const bad = fx.launcher.start(request(['sluice-no-such-program']), missing.hold);
    const good = fx.launcher.start(request(['true']), next.hold);
    assert.equal((await ending.done).exitCode, 0);
    assert.equal((await bad.done).spawnError?.code, 'ENOENT');
    assert.equal(missing.isStarted(), false);
    assert.equal((await fx.launcher.start(request(['true'])).done).exitCode, 0);
    assert.equal(next.isStarted(), false);
    bad.acknowledge?.();
    const again = fx.launcher.start(request(['true']));
    await again.done;
    assert.equal(next.isStarted(), true);
    assert.equal((await good.done).exitCode, 0);
  });

  it('counts a held task\'s timeout from its start, not from when it was held', async () => {
    const held = makeHold();
    // Held for 3 s behind `sleep 3`; its own run is short, far below its 2 s timeout.
    const ending = fx.launcher.start(request(['sleep', '3']));
    const task = fx.launcher.start(request(['sleep', '0.2'], { timeoutMs: 2000 }), held.hold);
    assert.equal((await ending.done).exitCode, 0);
    const result = await task.done;
    assert.equal(result.timedOut, false);
    assert.equal(result.exitCode, 0);
    assert.ok(result.startedAt >= Date.now() - 2000, 'its start is when it really started');
  });

  it('still times out a held task that runs too long once started', async () => {
    const held = makeHold();
    const ending = fx.launcher.start(request(['sleep', '0.2']));
    const task = fx.launcher.start(request(['sleep', '30'], { timeoutMs: 300, killGraceMs: 200 }), held.hold);
    await ending.done;
    const result = await task.done;
    assert.equal(held.isStarted(), true);
    assert.equal(result.timedOut, true);
  });
});
