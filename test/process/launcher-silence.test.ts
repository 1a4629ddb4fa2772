// The no-output limit of a task (LaunchRequest.noOutputTimeoutMs), on both launchers: a task
// whose stdout and stderr files (and the files it names, its logs) do not change for that long is
// ended as at its timeout; output on any of them counts. Real processes, wide margins: silent
// tasks sleep 1000 s under a 1 s limit, talking ones print every 0.2 s for 3 s under 1.5 s.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { LaunchRequest, Launcher } from '../../src/process/launch-types.ts';
import { startFastLauncher } from '../../src/process/launcher-client.ts';
import { createSpawnLauncher } from '../../src/process/spawn-launcher.ts';
import { makeMarker, makeTempDir, removeDir, waitFor, waitForGroupGone, waitForMarkerGone } from './process-helpers.ts';

// Prints to `where` (a shell redirect) every 0.2 s, 15 times: 3 s, never silent for 1.5 s.
const talk = (where: string): string[] => ['sh', '-c', `for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do echo "line $i" ${where}; sleep 0.2; done`];

const launchers: Array<[string, () => Promise<Launcher>]> = [
  ['python', () => startFastLauncher()],
  ['spawn', async () => createSpawnLauncher()],
];

for (const [name, create] of launchers) {
  describe(`${name} launcher: no-output limit`, () => {
    let launcher: Launcher;
    let dir: string;
    let counter = 0;
    before(async () => {
      dir = await makeTempDir();
      launcher = await create();
    });
    after(async () => {
      await launcher.close();
      await removeDir(dir);
    });
    const request = (argv: string[], extra: Partial<LaunchRequest> = {}): LaunchRequest => {
      counter += 1;
      return { argv, cwd: dir, stdoutPath: path.join(dir, `${counter}.out`), stderrPath: path.join(dir, `${counter}.err`), killGraceMs: 1000, ...extra };
    };

    it('ends a task silent for its limit, as at a timeout, and says which limit', async () => {
      const result = await launcher.start(request(['sh', '-c', 'echo started; sleep 1000 & sleep 1000'], { noOutputTimeoutMs: 1000 })).done;
      assert.equal(result.timedOut, true);
      assert.equal(result.silentMs, 1000);
      assert.equal(result.cancelled, false);
      assert.equal(result.signal, 'SIGTERM');
      assert.deepEqual(await waitForGroupGone(result.pid, 15_000), [], 'its whole group ended');
    });

    it('lets a task that prints on stdout regularly run past the limit', async () => {
      const result = await launcher.start(request(talk(''), { noOutputTimeoutMs: 1500 })).done;
      assert.deepEqual([result.exitCode, result.timedOut, result.silentMs], [0, false, undefined]);
    });

    it('counts output on stderr only as output', async () => {
      const result = await launcher.start(request(talk('>&2'), { noOutputTimeoutMs: 1500 })).done;
      assert.deepEqual([result.exitCode, result.timedOut, result.silentMs], [0, false, undefined]);
    });

    it('counts what the task writes to the files it names (its logs), relative to cwd', async () => {
      const result = await launcher.start(request(talk('>> task.log'), { noOutputTimeoutMs: 1500, watchFiles: ['task.log'] })).done;
      assert.deepEqual([result.exitCode, result.timedOut, result.silentMs], [0, false, undefined]);
    });

    it('says a wall-clock timeout that came first is one, and a silence that came first is one', async () => {
      const wall = await launcher.start(request(['sh', '-c', 'while :; do echo tick; sleep 0.2; done'], { timeoutMs: 1000, noOutputTimeoutMs: 60_000 })).done;
      assert.deepEqual([wall.timedOut, wall.silentMs], [true, undefined]);
      const silence = await launcher.start(request(['sleep', '1000'], { timeoutMs: 600_000, noOutputTimeoutMs: 1000 })).done;
      assert.deepEqual([silence.timedOut, silence.silentMs], [true, 1000]);
    });

    it('counts a held task\'s silence from its start, not from when it was handed over', async () => {
      let release: (() => void) | undefined;
      let started = false;
      const first = launcher.start(request(['sleep', '2']));
      const held = launcher.start(request(talk(''), { noOutputTimeoutMs: 1500 }), { onStart: () => (started = true), onHeld: (give) => (release = give) });
      const ended = await first.done;
      if (!started) release?.(); // the spawn launcher starts it only on release
      const result = await held.done;
      assert.equal(ended.exitCode, 0);
      assert.deepEqual([result.exitCode, result.timedOut, started], [0, false, true]);
    });

    it('leaves a task that ends before its limit alone, and watches only tasks that ask', async () => {
      const quick = await launcher.start(request(['sh', '-c', 'exit 3'], { noOutputTimeoutMs: 1000 })).done;
      assert.deepEqual([quick.exitCode, quick.timedOut], [3, false]);
      const unlimited = await launcher.start(request(['sleep', '1.5'])).done;
      assert.deepEqual([unlimited.exitCode, unlimited.timedOut], [0, false]);
    });
  });
}

describe('python launcher: a silent task ends with its setsid grandchild', { skip: process.platform !== 'linux' && 'Linux only (child subreaper)' }, () => {
  let launcher: Launcher;
  let dir: string;
  before(async () => {
    dir = await makeTempDir();
    launcher = await startFastLauncher();
  });
  after(async () => {
    await launcher.close();
    await removeDir(dir);
  });

  it('ends the grandchild that left the group, as the sweep ends it after a timeout', async () => {
    const marker = makeMarker();
    const flag = path.join(dir, `${marker}.started`);
    const argv = ['sh', '-c', `setsid sh -c 'echo > ${flag}; exec sleep 1000.${marker}' & while [ ! -e ${flag} ]; do sleep 0.02; done; sleep 1000`];
    const task = launcher.start({ argv, cwd: dir, stdoutPath: path.join(dir, 'g.out'), stderrPath: path.join(dir, 'g.err'), noOutputTimeoutMs: 1000, killGraceMs: 1000 });
    assert.ok(await waitFor(async () => existsSync(flag), 30_000), 'the grandchild started');
    const result = await task.done;
    assert.deepEqual([result.timedOut, result.silentMs], [true, 1000]);
    assert.deepEqual(await waitForMarkerGone(marker), [], 'no process of the task survives it');
  });
});
