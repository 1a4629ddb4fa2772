// The python launcher is a child subreaper (Linux): a task's descendant that left the task's
// process group (setsid) is still ended with the task, whatever way the task ends.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { LaunchRequest } from '../../src/process/launch-types.ts';
import { startFastLauncher, type FastLauncher } from '../../src/process/launcher-client.ts';
import { findByMarker, findZombieChildren, isRunning, makeMarker, makeTempDir, removeDir, waitFor, waitForMarkerGone } from './process-helpers.ts';

const linux = process.platform === 'linux';

// Starts `setsid sleep 1000.<marker>` in the background, waits until it runs, then does `then`.
function escapeThen(dir: string, marker: string, then: string): string[] {
  const flag = path.join(dir, `${marker}.started`);
  return ['sh', '-c', `setsid sh -c 'echo > ${flag}; exec sleep 1000.${marker}' & while [ ! -e ${flag} ]; do sleep 0.02; done; ${then}`];
}

describe('python launcher: descendants that left the group', { skip: !linux && 'Linux only (child subreaper)' }, () => {
  let dir: string;
  let launcher: FastLauncher;
  let counter = 0;
  const request = (argv: string[], extra: Partial<LaunchRequest> = {}): LaunchRequest => {
    counter += 1;
    return { argv, cwd: dir, stdoutPath: path.join(dir, `out-${counter}`), stderrPath: path.join(dir, `err-${counter}`), ...extra };
  };
  before(async () => {
    dir = await makeTempDir();
    launcher = await startFastLauncher({ shutdownGraceMs: 300 });
  });
  after(async () => {
    await launcher.close();
    await removeDir(dir);
  });

  const ways: Array<[string, string, Partial<LaunchRequest>]> = [
    ['success', 'exit 0', {}],
    ['failure', 'exit 3', {}],
    ['timeout', 'sleep 1000', { timeoutMs: 300, killGraceMs: 200 }],
  ];
  for (const [way, then, extra] of ways) {
    it(`ends a setsid grandchild when the task ends: ${way}`, async () => {
      const marker = makeMarker();
      const result = await launcher.start(request(escapeThen(dir, marker, then), extra)).done;
      assert.equal(result.spawnError, undefined);
      assert.deepEqual(await waitForMarkerGone(marker), [], 'no process of the task survives it');
    });
  }

  it('ends a setsid grandchild when the task is cancelled', async () => {
    const marker = makeMarker();
    const task = launcher.start(request(escapeThen(dir, marker, 'sleep 1000'), { killGraceMs: 200 }));
    assert.ok(await waitFor(async () => existsSync(path.join(dir, `${marker}.started`)), 15_000));
    task.cancel();
    assert.equal((await task.done).cancelled, true);
    assert.deepEqual(await waitForMarkerGone(marker), []);
  });

  it('ends a daemon made by a double fork and os.setsid()', async () => {
    const marker = makeMarker();
    const flag = path.join(dir, `${marker}.started`);
    const daemon = [
      'import os, sys, time',
      'if os.fork() == 0:',
      '    os.setsid()',
      '    if os.fork() == 0:',
      `        open(${JSON.stringify(flag)}, "w").close()`,
      '        time.sleep(1000)',
      '    os._exit(0)',
      `while not os.path.exists(${JSON.stringify(flag)}): time.sleep(0.02)`,
    ].join('\n');
    const result = await launcher.start(request(['python3', '-c', daemon, marker])).done;
    assert.equal(result.exitCode, 0);
    assert.deepEqual(await waitForMarkerGone(marker), []);
  });

  it("leaves a running task's daemon alone when the daemon's middle process, adopted by the launcher, exits", async () => {
    const marker = makeMarker();
    const flag = path.join(dir, `${marker}.started`);
    // The first process exits at once, so the middle one (session leader of the daemon's group)
    // is adopted by the launcher; it exits while the daemon, in its group, runs on for its task.
    const daemon = [
      'import os, time',
      'if os.fork() == 0:',
      '    os.setsid()',
      '    if os.fork() == 0:',
      '        time.sleep(0.8)',
      `        open(${JSON.stringify(flag)}, "w").close()`,
      '        time.sleep(1000)',
      '    time.sleep(0.3)',
      '    os._exit(0)',
    ].join('\n');
    const wait = `n=0; while [ ! -e ${flag} ]; do n=$((n+1)); [ $n -lt 250 ] || exit 9; sleep 0.02; done; exit 0`;
    const result = await launcher.start(request(['sh', '-c', `python3 -c '${daemon}' ${marker}; ${wait}`])).done;
    assert.equal(result.exitCode, 0, 'the daemon lived on while its task ran');
    assert.deepEqual(await waitForMarkerGone(marker), [], 'and ended with it');
  });

  it("leaves alone what a running task's descendants left while another task ends", async () => {
    const mine = makeMarker();
    const flag = path.join(dir, `${mine}.started`);
    // The subshell exits at once: the sleep is orphaned, adopted by the launcher while A runs.
    const a = launcher.start(request(['sh', '-c', `(setsid sh -c 'echo $$ > ${flag}.tmp; mv ${flag}.tmp ${flag}; exec sleep 1000.${mine}' &); sleep 1000`], { killGraceMs: 200 }));
    assert.ok(await waitFor(async () => existsSync(flag), 15_000));
    const escaped = Number(readFileSync(flag, 'utf8'));
    for (let i = 0; i < 3; i += 1) {
      const other = makeMarker();
      await launcher.start(request(escapeThen(dir, other, 'exit 0'))).done;
      assert.deepEqual(await waitForMarkerGone(other), []);
    }
    assert.ok(await isRunning(escaped), "a running task's process is not another task's to end");
    a.cancel();
    await a.done;
    assert.deepEqual(await waitForMarkerGone(mine), []);
  });

  it('reports exit codes of its tasks only, and reaps what it adopted', async () => {
    const script = 'for i in 1 2 3 4 5 6 7 8 9 10; do (setsid sh -c "exit 7" &); (setsid sh -c "kill -9 \\$\\$" &); done; sleep 0.3; exit 5';
    const results = await Promise.all([1, 2, 3].map(() => launcher.start(request(['sh', '-c', script])).done));
    for (const result of results) {
      assert.equal(result.exitCode, 5);
      assert.equal(result.signal, null);
    }
    const ok = await launcher.start(request(['true'])).done;
    assert.equal(ok.exitCode, 0);
    assert.ok(await waitFor(async () => (await findZombieChildren(launcher.pid)).length === 0, 10_000), 'no zombie accumulates');
  });

  it('ends every descendant at close', async () => {
    const own = await startFastLauncher({ shutdownGraceMs: 300 });
    const marker = makeMarker();
    const flag = path.join(dir, `${marker}.started`);
    const task = own.start(request(['sh', '-c', `(setsid sh -c 'trap "" TERM; echo > ${flag}; exec sleep 1000.${marker}' &); sleep 1000.${marker}`]));
    assert.ok(await waitFor(async () => existsSync(flag), 15_000));
    assert.ok((await findByMarker(marker)).length >= 2);
    await own.close();
    await task.done;
    assert.deepEqual(await waitForMarkerGone(marker), []);
  });
});
