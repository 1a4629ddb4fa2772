// The python helper keeps the ledger of the process groups it starts (libexec/sluice-launcher.py,
// `--ledger`): a run that takes over after sluice and the helper were both killed finds them by
// the helper's row, and sluice writes no row per task. Real helper, real processes, real SQLite.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { startFastLauncher } from '../../src/process/launcher-client.ts';
import { endPreviousRun } from '../../src/session/end-previous-run.ts';
import { createProcessRecorder, readRunningProcesses } from '../../src/state/journal/record-running-processes.ts';
import { openStore } from '../../src/state/store/open-store.ts';
import { findByMarker, makeMarker, waitFor, waitForMarkerGone } from '../process/process-helpers.ts';
import { makeTempDir } from '../state/helpers.ts';

const linux = process.platform === 'linux';

function ledgerLines(file: string): string[] {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').filter((line) => line !== '');
  } catch {
    return [];
  }
}

test('a group the helper started is found and ended after sluice and the helper were both killed', { skip: !linux && 'needs /proc', timeout: 120_000 }, async () => {
  const root = makeTempDir();
  const store = openStore(root);
  const marker = makeMarker();
  try {
    const recorder = createProcessRecorder(store, 'dead run');
    const told: number[] = [];
    const watcher = { ...recorder, ledgerDir: recorder.ledgerDir, groupStarted: (pgid: number) => told.push(pgid), helperStarted: recorder.helperStarted };
    const launcher = await startFastLauncher({ watcher });
    const ledger = path.join(recorder.ledgerDir, String(launcher.pid));
    const task = launcher.start({ argv: ['sh', '-c', `trap "" TERM; sleep 1000.${marker} & sleep 1000.${marker}`], cwd: root, stdoutPath: '/dev/null', stderrPath: '/dev/null' });
    assert.ok(await waitFor(async () => ledgerLines(ledger).length === 1 && (await findByMarker(marker)).length === 3, 30_000), 'the group is in the ledger');
    assert.match(ledgerLines(ledger)[0] as string, /^\d+ \d+ 1$/); // group, start, task id
    assert.deepEqual(told, [], 'the watcher is told of no group: the ledger has it');
    // The helper dies: only its ledger knows the task, whose group sluice ends (SIGKILL: it
    // ignores SIGTERM) before it judges the task.
    process.kill(launcher.pid, 'SIGKILL');
    await assert.rejects(task.done, /The launcher exited \(SIGKILL\) while the task was running/);
    await launcher.close();
    assert.deepEqual(await findByMarker(marker), [], 'the task (its shell and two sleeps) is gone when judged');
    // Had sluice died too (kill -9 of its process group), the next run would read the same rows.
    const groups = readRunningProcesses(store).here.filter((row) => row.kind === 'group');
    assert.deepEqual(groups.map((row) => `${row.pid} ${row.start} 1`), ledgerLines(ledger));
    assert.equal(await endPreviousRun(store), 3, 'the helper, its group, and the search for its cookie');
    assert.equal(fs.existsSync(ledger), false, 'the ledger is forgotten with the rows');
    assert.deepEqual(readRunningProcesses(store), { here: [], total: 0 });
  } finally {
    for (const pid of await findByMarker(marker)) process.kill(pid, 'SIGKILL');
    store.close();
  }
});

test('the ledger keeps the groups still running when it is rewritten, and is removed when the helper closes', { skip: !linux && 'needs /proc', timeout: 300_000 }, async () => {
  const root = makeTempDir();
  const store = openStore(root);
  const marker = makeMarker();
  try {
    const recorder = createProcessRecorder(store, 'run');
    const launcher = await startFastLauncher({ watcher: recorder });
    const ledger = path.join(recorder.ledgerDir, String(launcher.pid));
    const long = launcher.start({ argv: ['sleep', `1000.${marker}`], cwd: root, stdoutPath: '/dev/null', stderrPath: '/dev/null' });
    long.done.catch(() => undefined);
    // More spawns than the helper writes between two rewrites (LEDGER_COMPACT_EVERY, 1024).
    for (let batch = 0; batch < 110; batch += 1) {
      const results = await Promise.all(
        Array.from({ length: 10 }, () => launcher.start({ argv: ['true'], cwd: root, stdoutPath: '/dev/null', stderrPath: '/dev/null' }).done),
      );
      assert.ok(results.every((result) => result.exitCode === 0));
    }
    const lines = ledgerLines(ledger);
    assert.ok(lines.length < 1024, `rewritten: ${lines.length} lines`);
    const [leader] = await findByMarker(marker);
    assert.ok(lines.some((line) => line.startsWith(`${leader} `)), 'the task still running is kept');
    assert.equal(store.db.prepare("SELECT count(*) FROM running_processes WHERE kind = 'group'").pluck().get(), 0, 'no row per task');
    await launcher.close();
    assert.equal(fs.existsSync(ledger), false, 'every task ended: the ledger is gone');
    assert.deepEqual(await waitForMarkerGone(marker), []);
  } finally {
    for (const pid of await findByMarker(marker)) process.kill(pid, 'SIGKILL');
    store.close();
  }
});

test('a helper that cannot write its ledger hands the groups, those running too, back to sluice', { skip: !linux && 'needs /proc', timeout: 120_000 }, async () => {
  const root = makeTempDir();
  const store = openStore(root);
  const marker = makeMarker();
  // A file size limit of one block: the ledger's writes fail (EFBIG) after a few dozen lines.
  const python = path.join(root, 'python-limited');
  fs.writeFileSync(python, '#!/bin/sh\nulimit -f 1\nexec python3 "$@"\n', { mode: 0o755 });
  try {
    const recorder = createProcessRecorder(store, 'run');
    const launcher = await startFastLauncher({ watcher: recorder, python });
    const long = launcher.start({ argv: ['sleep', `1000.${marker}`], cwd: root, stdoutPath: '/dev/null', stderrPath: '/dev/null' });
    long.done.catch(() => undefined);
    for (let task = 0; task < 200; task += 1) {
      const result = await launcher.start({ argv: ['true'], cwd: root, stdoutPath: '/dev/null', stderrPath: '/dev/null' }).done;
      assert.equal(result.exitCode, 0);
    }
    recorder.flush();
    const [leader] = await findByMarker(marker);
    const rows = store.db.prepare("SELECT pid FROM running_processes WHERE kind = 'group'").pluck().all();
    assert.deepEqual(rows, [leader], 'the task running as the ledger was given up is recorded by sluice');
    const next = launcher.start({ argv: ['sleep', `1000.${marker}`], cwd: root, stdoutPath: '/dev/null', stderrPath: '/dev/null' });
    next.done.catch(() => undefined);
    assert.ok(await waitFor(async () => {
      recorder.flush();
      return store.db.prepare("SELECT count(*) FROM running_processes WHERE kind = 'group'").pluck().get() === 2;
    }, 30_000), 'and so is one started after');
    await launcher.close();
  } finally {
    for (const pid of await findByMarker(marker)) process.kill(pid, 'SIGKILL');
    store.close();
  }
});
