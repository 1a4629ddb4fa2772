// The python launcher dies (SIGKILL) while it holds tasks. A held task it may have started (its
// start not reported yet: the report of a held task's start may wait, REPORT_DELAY) must not be
// reported as never started, which a user reads as "nothing happened"; one it provably never
// started is. The end of a task that exited 0, not reported, is no success. The order of events is
// forced: a launcher that kills itself right after a held start (fixture), SIGSTOP, files.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import type { FastLauncher, GroupWatcher, HoldOptions, LaunchResult } from '../../src/process/launch-types.ts';
import { startFastLauncher } from '../../src/process/launcher-client.ts';
import { isRunning, makeTempDir, removeDir, waitFor } from './process-helpers.ts';

const DIES_AFTER_HELD_START = fileURLToPath(new URL('./fixtures/launcher-dies-after-held-start.py', import.meta.url));
const linux = process.platform === 'linux';

function makeWatcher(ledgerDir: string | undefined): GroupWatcher {
  return { groupStarted: () => {}, groupEnded: () => {}, ledgerDir };
}

function holdOptions(): HoldOptions & { released: () => void } {
  let release: () => void = () => {};
  return { onStart: () => {}, onHeld: (give) => (release = give), released: () => release() };
}

// Settles as `{ result }` or `{ error }`, so that both can be looked at.
async function settle(done: Promise<LaunchResult>): Promise<{ result?: LaunchResult; error?: Error }> {
  try {
    return { result: await done };
  } catch (error) {
    return { error: error as Error };
  }
}

// Pids the launcher's ledger names (`<pgid> <start> <id>`): groups still running after its death.
function ledgerGroups(ledgerDir: string, launcher: FastLauncher): Map<number, number> {
  const groups = new Map<number, number>(); // task id -> pgid
  const file = path.join(ledgerDir, String(launcher.pid));
  if (!existsSync(file)) return groups;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^(\d+) \S+ (\d+)$/.exec(line);
    if (match !== null) groups.set(Number(match[2]), Number(match[1]));
  }
  return groups;
}

function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // gone
  }
}

describe('a launcher that dies while it holds tasks', { skip: !linux && 'needs /proc' }, () => {
  const dirs: string[] = [];
  const groups: number[] = [];
  after(async () => {
    for (const pgid of groups) killGroup(pgid);
    for (const dir of dirs) await removeDir(dir);
  });

  for (const kept of [true, false]) {
    it(`a held task started in place of one that exited 0, unreported, may have run (ledger ${kept ? 'kept' : 'not kept'})`, { timeout: 60_000 }, async () => {
      const dir = await makeTempDir();
      dirs.push(dir);
      const ledgerDir = path.join(dir, 'launchers');
      const launcher = await startFastLauncher({ script: DIES_AFTER_HELD_START, watcher: makeWatcher(kept ? ledgerDir : undefined) });
      const request = (argv: string[]) => ({ argv, cwd: dir, stdoutPath: '/dev/null', stderrPath: '/dev/null' });
      // A waits for `go`, then exits 0; H, held behind it, writes its pid and sleeps.
      const first = launcher.start(request(['sh', '-c', 'while [ ! -e go ]; do sleep 0.02; done; exit 0']));
      const held = launcher.start(request(['sh', '-c', 'echo $$ > held.pid; exec sleep 1000']), holdOptions());
      await new Promise((resolve) => setTimeout(resolve, 200)); // (only lets both requests go out)
      writeFileSync(path.join(dir, 'go'), '');
      const [a, h] = await Promise.all([settle(first.done), settle(held.done)]);
      // It ran: its shell wrote its pid.
      assert.ok(await waitFor(async () => existsSync(path.join(dir, 'held.pid')), 30_000), 'the held task ran');
      const heldPid = Number(readFileSync(path.join(dir, 'held.pid'), 'utf8'));
      groups.push(heldPid);
      assert.match(String(a.error?.message), /The launcher exited \(SIGKILL\) while the task was running; its outcome is unknown/, 'exited 0, unreported: no success');
      assert.equal(h.result, undefined, `reported ${JSON.stringify(h.result)} though it ran`);
      assert.match(String(h.error?.message), /The launcher exited \(SIGKILL\) after it may have started the task/);
      if (kept) assert.equal(ledgerGroups(ledgerDir, launcher).get(2), heldPid, 'its group is in the ledger');
      // Named by the ledger, it is ended before the tasks are judged (a late write of it cannot
      // follow the removal of what it wrote); else the run's end ends what the watcher recorded.
      assert.equal(await isRunning(heldPid), !kept);
    });
  }

  it('a held task released (`g`) that the launcher died before reading never started', { timeout: 60_000 }, async () => {
    const dir = await makeTempDir();
    dirs.push(dir);
    const ledgerDir = path.join(dir, 'launchers');
    mkdirSync(ledgerDir);
    const launcher = await startFastLauncher({ watcher: makeWatcher(ledgerDir) });
    const request = (argv: string[]) => ({ argv, cwd: dir, stdoutPath: '/dev/null', stderrPath: '/dev/null' });
    const running = launcher.start(request(['sleep', '1000']));
    const hold = holdOptions();
    const held = launcher.start(request(['sh', '-c', 'echo ran > held.txt']), hold);
    const ledger = path.join(ledgerDir, String(launcher.pid));
    const firstGroup = (): number => Number(/^(\d+) /.exec(existsSync(ledger) ? readFileSync(ledger, 'utf8') : '')?.[1] ?? 0);
    assert.ok(await waitFor(async () => firstGroup() > 0, 30_000), 'the first task started');
    groups.push(firstGroup());
    process.kill(launcher.pid, 'SIGSTOP');
    hold.released(); // `g` goes into the pipe; the stopped launcher never reads it
    await new Promise((resolve) => setTimeout(resolve, 200));
    process.kill(launcher.pid, 'SIGKILL');
    const [r, h] = await Promise.all([settle(running.done), settle(held.done)]);
    assert.match(String(r.error?.message), /while the task was running/);
    assert.equal(h.error, undefined, String(h.error));
    assert.equal(h.result?.neverStarted, true, 'its ledger names no start of it: it never started');
    assert.equal(existsSync(path.join(dir, 'held.txt')), false);
  });
});
