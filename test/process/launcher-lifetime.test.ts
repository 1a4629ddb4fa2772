// The fast launcher's lifetime: it never outlives sluice, and never keeps it alive when idle.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startFastLauncher } from '../../src/process/launcher-client.ts';
import { isRunning, makeTempDir, removeDir, waitFor, waitForGroupGone } from './process-helpers.ts';

const run = promisify(execFile);
const fixture = fileURLToPath(new URL('./fixtures/own-launcher.ts', import.meta.url));

interface Owner {
  readonly exited: Promise<unknown>;
  readonly pids: { readonly launcher: number; readonly child: number };
  kill(): void;
}

async function startOwner(dir: string, mode: 'hold' | 'idle'): Promise<Owner> {
  const owner = spawn(process.execPath, ['--import', 'tsx', fixture, dir, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = once(owner, 'exit');
  let text = '';
  owner.stdout.setEncoding('utf8');
  for await (const chunk of owner.stdout) {
    text += chunk;
    if (text.includes('\n')) break;
  }
  return { exited, pids: JSON.parse(text), kill: () => owner.kill('SIGKILL') };
}

describe('python launcher lifetime', () => {
  let dir: string;
  before(async () => {
    dir = await makeTempDir();
  });
  after(async () => {
    await removeDir(dir);
  });

  it('ends its tasks and itself when sluice is SIGKILLed', async () => {
    const owner = await startOwner(dir, 'hold');
    assert.ok(await isRunning(owner.pids.child));
    assert.ok(await isRunning(owner.pids.launcher));
    owner.kill();
    await owner.exited;
    assert.ok(await waitFor(async () => !(await isRunning(owner.pids.child))), 'the task was ended');
    assert.deepEqual(await waitForGroupGone(owner.pids.child), []);
    assert.ok(await waitFor(async () => !(await isRunning(owner.pids.launcher))), 'the launcher exited');
  });

  it('does not keep sluice alive when idle', async () => {
    const owner = await startOwner(dir, 'idle');
    const timer = setTimeout(() => owner.kill(), 8000);
    const [code] = (await owner.exited) as unknown[];
    clearTimeout(timer);
    assert.equal(code, 0);
    assert.ok(await waitFor(async () => !(await isRunning(owner.pids.launcher))), 'the launcher exited with it');
  });

  it('keeps sluice alive while a task runs', async () => {
    const script = fileURLToPath(new URL('./fixtures/await-task.ts', import.meta.url));
    const { stdout } = await run(process.execPath, ['--import', 'tsx', script], { timeout: 15_000 });
    assert.equal(JSON.parse(stdout).exitCode, 0);
  });

  it('close() ends running tasks as cancelled and waits for the launcher to exit', async () => {
    const launcher = await startFastLauncher({ shutdownGraceMs: 300 });
    const out = path.join(dir, 'close.out');
    const polite = launcher.start({ argv: ['sleep', '1000'], cwd: dir, stdoutPath: out, stderrPath: out });
    const stubborn = launcher.start({ argv: ['sh', '-c', 'trap "" TERM; : > trapped; sleep 1000'], cwd: dir, stdoutPath: out, stderrPath: out });
    // Its shell ignores SIGTERM by now (a fixed wait was not enough on a loaded machine).
    await waitFor(async () => existsSync(path.join(dir, 'trapped')), 30_000);
    await launcher.close();
    const [first, second] = await Promise.all([polite.done, stubborn.done]);
    assert.equal(first.cancelled, true);
    assert.equal(first.signal, 'SIGTERM');
    assert.equal(second.signal, 'SIGKILL');
    assert.equal(await isRunning(launcher.pid), false);
    assert.deepEqual(await waitForGroupGone(second.pid), []);
    assert.throws(() => launcher.start({ argv: ['true'], cwd: dir, stdoutPath: out, stderrPath: out }), /closing|gone/);
    await launcher.close(); // idempotent
  });

  it('ends its tasks, reporting them, when the launcher itself gets SIGTERM', async () => {
    const launcher = await startFastLauncher({ shutdownGraceMs: 300 });
    const out = path.join(dir, 'term.out');
    const task = launcher.start({ argv: ['sh', '-c', 'sleep 1000 & sleep 1000'], cwd: dir, stdoutPath: out, stderrPath: out });
    await new Promise((resolve) => setTimeout(resolve, 100));
    process.kill(launcher.pid, 'SIGTERM');
    const result = await task.done;
    assert.equal(result.signal, 'SIGTERM');
    assert.deepEqual(await waitForGroupGone(result.pid), []);
    await launcher.close();
    assert.equal(await isRunning(launcher.pid), false);
    assert.throws(() => launcher.start({ argv: ['true'], cwd: dir, stdoutPath: out, stderrPath: out }), /gone/);
  });

  it('rejects when python cannot be started', async () => {
    await assert.rejects(startFastLauncher({ python: 'sluice-no-such-python' }), /Cannot start the launcher/);
  });
});
