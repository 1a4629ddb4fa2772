import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import readline from 'node:readline';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { judgeLockHolder, type LockInfo, type ProcessProbes } from '../../src/state/lock/judge-lock-holder.ts';
import { readBootId, readProcessStart } from '../../src/state/lock/process-start.ts';
import { acquireRunLock } from '../../src/state/lock/run-lock.ts';
import { RunLockedError } from '../../src/state/store/state-errors.ts';
import { makeTempDir } from './helpers.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/hold-lock.ts', import.meta.url));

function startHolder(root: string, mode: 'hold' | 'exit' | 'race'): { child: ChildProcess; lines: AsyncIterator<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, root, mode], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  return { child, lines };
}

async function nextLine(lines: AsyncIterator<string>): Promise<string> {
  const { value, done } = await lines.next();
  return done === true ? '(exited)' : value;
}

test('a second run is refused with a message naming the running pid; a SIGKILLed holder is taken over', async () => {
  const root = makeTempDir();
  const { child, lines } = startHolder(root, 'hold');
  assert.equal(await nextLine(lines), 'locked');
  try {
    assert.throws(() => acquireRunLock(root, { command: 'sluice run' }), (error: unknown) => {
      assert.ok(error instanceof RunLockedError);
      assert.equal(error.holder.pid, child.pid);
      assert.equal(error.holder.command, 'hold-lock hold');
      assert.equal(error.exitStatus, 2, 'refused before anything ran');
      assert.ok(error.message.startsWith('Another sluice run is in progress in this folder'));
      assert.match(error.message, new RegExp(`pid ${child.pid} on ${os.hostname()}`));
      return true;
    });
  } finally {
    child.kill('SIGKILL');
    await once(child, 'exit');
  }
  const lock = acquireRunLock(root, { command: 'sluice run' });
  assert.match(lock.note ?? '', new RegExp(`left by pid ${child.pid} .*no longer running`));
  assert.equal(JSON.parse(fs.readFileSync(lock.path, 'utf8')).pid, process.pid);
  lock.release();
  lock.release(); // idempotent
  assert.equal(fs.existsSync(lock.path), false);
  assert.deepEqual(fs.readdirSync(path.dirname(lock.path)), [], 'no draft or guard file is left behind');
});

test('a run killed while breaking a stale lock does not block the next one', async () => {
  const root = makeTempDir();
  const { child, lines } = startHolder(root, 'hold');
  assert.equal(await nextLine(lines), 'locked');
  child.kill('SIGKILL');
  await once(child, 'exit');
  // What a SIGKILL inside breakStaleLock leaves: the guard, linked to a dead process's draft.
  const lockPath = path.join(root, '.sluice', 'lock');
  fs.copyFileSync(lockPath, `${lockPath}.break`);
  const lock = acquireRunLock(root, { command: 'sluice run' });
  assert.match(lock.note ?? '', new RegExp(`left by pid ${child.pid} .*no longer running`));
  lock.release();
  assert.deepEqual(fs.readdirSync(path.dirname(lock.path)), [], 'no draft or guard file is left behind');
});

test('the lock is released when its process exits normally', async () => {
  const root = makeTempDir();
  const { child, lines } = startHolder(root, 'exit');
  assert.equal(await nextLine(lines), 'locked');
  await once(child, 'exit');
  assert.equal(fs.existsSync(path.join(root, '.sluice', 'lock')), false);
});

test('the same process cannot take the lock twice', () => {
  const root = makeTempDir();
  const lock = acquireRunLock(root, { command: 'first' });
  try {
    assert.throws(() => acquireRunLock(root, { command: 'second' }), RunLockedError);
  } finally {
    lock.release();
  }
});

test('a lock whose pid now belongs to another process is taken over', () => {
  const root = makeTempDir();
  const first = acquireRunLock(root, { command: 'first' });
  const info = JSON.parse(fs.readFileSync(first.path, 'utf8')) as LockInfo;
  if (info.processStart === undefined) return; // not Linux: no start time to compare
  // Our own, live pid, but with another start time: as if we had died and the pid was reused.
  fs.writeFileSync(first.path, JSON.stringify({ ...info, processStart: '1', token: 'old' }));
  const second = acquireRunLock(root, { command: 'second' });
  assert.match(second.note ?? '', /now belongs to another process/);
  first.release(); // not its lock any more: must leave it alone
  assert.equal(fs.existsSync(second.path), true);
  second.release();
  assert.equal(fs.existsSync(second.path), false);
});

test('an unreadable lock file is taken over', () => {
  const root = makeTempDir();
  fs.mkdirSync(path.join(root, '.sluice'));
  fs.writeFileSync(path.join(root, '.sluice', 'lock'), '');
  const lock = acquireRunLock(root, { command: 'sluice run' });
  assert.match(lock.note ?? '', /unreadable/);
  lock.release();
});

test('of several runs racing for a stale lock, exactly one wins', { timeout: 60_000 }, async () => {
  const root = makeTempDir();
  const holder = startHolder(root, 'hold');
  assert.equal(await nextLine(holder.lines), 'locked');
  holder.child.kill('SIGKILL');
  await once(holder.child, 'exit');
  // All racers loaded and waiting, then told to go at once: they meet the stale lock together.
  const racers = Array.from({ length: 6 }, () => startHolder(root, 'race'));
  for (const racer of racers) assert.equal(await nextLine(racer.lines), 'ready');
  for (const racer of racers) racer.child.stdin!.write('go\n');
  const results = await Promise.all(racers.map((racer) => nextLine(racer.lines)));
  for (const racer of racers) racer.child.stdin!.end();
  await Promise.all(racers.map((racer) => (racer.child.exitCode === null ? once(racer.child, 'exit') : undefined)));
  const winners = results.filter((line) => line === 'won');
  assert.equal(winners.length, 1, results.join(', '));
  const winnerPid = racers[results.indexOf('won')]!.child.pid;
  for (const line of results.filter((l) => l !== 'won')) assert.equal(line, `refused ${winnerPid}`);
});

test('judgeLockHolder: another host cannot be probed; a new boot or a dead pid means stale', () => {
  const holder: LockInfo = { pid: 42, hostname: 'here', startedAt: 't', command: 'c', token: 'x', bootId: 'boot1', processStart: '100' };
  const probes = (over: Partial<ProcessProbes>): ProcessProbes => ({
    hostname: () => 'here',
    bootId: () => 'boot1',
    isAlive: () => true,
    processStart: () => '100',
    ...over,
  });
  assert.deepEqual(judgeLockHolder(holder, probes({})), { alive: true, note: '' });
  const remote = judgeLockHolder(holder, probes({ hostname: () => 'elsewhere' }));
  assert.ok(remote.alive && /another host/.test(remote.note));
  assert.deepEqual(judgeLockHolder(holder, probes({ bootId: () => 'boot2' })), { alive: false, why: 'the machine has restarted since' });
  assert.deepEqual(judgeLockHolder(holder, probes({ isAlive: () => false })), { alive: false, why: 'pid 42 is no longer running' });
  assert.equal(judgeLockHolder(holder, probes({ processStart: () => '101' })).alive, false);
  // Without /proc (not Linux) a live pid is trusted.
  assert.equal(judgeLockHolder(holder, probes({ processStart: () => undefined })).alive, true);
});

test('a lock whose holder is a zombie (exited, not reaped by its parent) is taken over', async (t) => {
  if (!fs.existsSync('/proc/self/stat')) return t.skip('needs /proc to see a zombie');
  const root = makeTempDir();
  // The parent forks a child that exits at once and is never reaped: a real zombie.
  const parent = spawn('python3', ['-c', 'import os, time\npid = os.fork()\nif pid == 0: os._exit(0)\nprint(pid, flush=True)\ntime.sleep(600)'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const lines = readline.createInterface({ input: parent.stdout! })[Symbol.asyncIterator]();
    const zombie = Number(await nextLine(lines));
    assert.ok(zombie > 0);
    const stateOf = (): string => {
      const text = fs.readFileSync(`/proc/${zombie}/stat`, 'utf8');
      return text.slice(text.lastIndexOf(')') + 2).split(' ')[0] ?? '';
    };
    for (let tries = 0; stateOf() !== 'Z'; tries += 1) {
      assert.ok(tries < 1000, 'the child became a zombie');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    fs.mkdirSync(path.join(root, '.sluice'));
    const holder = {
      pid: zombie,
      hostname: os.hostname(),
      startedAt: new Date().toISOString(),
      command: 'sluice run',
      token: 'zombie',
      bootId: readBootId(),
      processStart: readProcessStart(zombie),
    };
    fs.writeFileSync(path.join(root, '.sluice', 'lock'), JSON.stringify(holder));
    const lock = acquireRunLock(root, { command: 'sluice run' });
    assert.match(lock.note ?? '', new RegExp(`left by pid ${zombie} .*no longer running`));
    lock.release();
  } finally {
    parent.kill('SIGKILL');
    await once(parent, 'exit');
  }
});
