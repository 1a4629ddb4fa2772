// A task that exits on its own just before its time-out fires is not timed out, though its end
// reaches sluice after the deadline (the python launcher may hold the report of an exit 0 for a
// few ms, and a pipe has latency): the verdict follows the task's exit as the launcher saw it. A
// task that the time-out's SIGTERM reached is timed out, whatever its exit status. The order of
// events is forced (SIGSTOP of the launcher, a synchronous wait of this thread), never timed.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { FastLauncher, Launcher } from '../../src/process/launch-types.ts';
import { startFastLauncher } from '../../src/process/launcher-client.ts';
import { createSpawnLauncher } from '../../src/process/spawn-launcher.ts';
import { isRunning, useLauncher, waitFor } from './process-helpers.ts';

const TIMEOUT_MS = 1500;
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function readState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined;
  }
}

// Writes its pid, waits for `go`, exits 0.
const WAITS_FOR_GO = ['sh', '-c', 'echo $$ > pid; while [ ! -e go ]; do sleep 0.02; done; exit 0'];

describe('a task that exits 0 as its time-out fires (python launcher)', () => {
  const fx = useLauncher<FastLauncher>(() => startFastLauncher());

  it('succeeded: the launcher saw it exit before it read the time-out SIGTERM', { timeout: 60_000 }, async () => {
    const task = fx.launcher.start({ ...fx.request(WAITS_FOR_GO), timeoutMs: TIMEOUT_MS });
    const pidFile = path.join(fx.dir, 'pid');
    assert.ok(await waitFor(async () => existsSync(pidFile) && readFileSync(pidFile, 'utf8').endsWith('\n'), 30_000));
    const pid = Number(readFileSync(pidFile, 'utf8'));
    // The launcher stops: the task's exit stays unreaped (a zombie), unreported.
    process.kill(fx.launcher.pid, 'SIGSTOP');
    try {
      writeFileSync(path.join(fx.dir, 'go'), '');
      assert.ok(await waitFor(async () => readState(pid) === 'Z', 30_000), 'the task exited');
      // Timers fire in order of expiry: the task's time-out (and its SIGTERM request) came first.
      await pause(TIMEOUT_MS);
    } finally {
      process.kill(fx.launcher.pid, 'SIGCONT');
    }
    const result = await task.done;
    assert.equal(result.exitCode, 0);
    assert.equal(result.timedOut, false, 'it exited before its deadline, as the launcher saw it');
  });

  it('timed out: the SIGTERM reached it, though it then exits 0', { timeout: 60_000 }, async () => {
    const argv = ['sh', '-c', "trap 'exit 0' TERM; echo $$ > pid2; while :; do sleep 0.02; done"];
    const result = await fx.launcher.start({ ...fx.request(argv), timeoutMs: TIMEOUT_MS }).done;
    assert.equal(result.exitCode, 0);
    assert.equal(result.timedOut, true);
  });
});

describe('a task that exits 0 as its time-out fires (spawn launcher)', () => {
  const fx = useLauncher<Launcher>(async () => createSpawnLauncher());

  it('succeeded: it had exited when the time-out fired, its end not yet handled', { timeout: 60_000 }, async () => {
    const task = fx.launcher.start({ ...fx.request(WAITS_FOR_GO), timeoutMs: TIMEOUT_MS });
    const pidFile = path.join(fx.dir, 'pid');
    assert.ok(await waitFor(async () => existsSync(pidFile) && readFileSync(pidFile, 'utf8').endsWith('\n'), 30_000));
    const pid = Number(readFileSync(pidFile, 'utf8'));
    const startedAt = Date.now();
    writeFileSync(path.join(fx.dir, 'go'), '');
    // This thread does not return to its event loop until the task is a zombie and the deadline
    // passed: in the next turn, the time-out's timer runs before the child's exit is handled.
    const sleeper = new Int32Array(new SharedArrayBuffer(4));
    while (readState(pid) !== 'Z' || Date.now() - startedAt < TIMEOUT_MS + 100) Atomics.wait(sleeper, 0, 0, 20);
    const result = await task.done;
    assert.equal(result.exitCode, 0);
    assert.equal(result.timedOut, false);
    assert.equal(await isRunning(pid), false);
  });
});
