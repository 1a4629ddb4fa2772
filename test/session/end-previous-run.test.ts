// What a dead run recorded is ended, on real processes; what is not provably it, is left alone.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { readProcessStart } from '../../src/process/read-process-start.ts';
import { endPreviousRun } from '../../src/session/end-previous-run.ts';
import { openStore } from '../../src/state/store/open-store.ts';
import { createProcessRecorder, readRunningProcesses } from '../../src/state/journal/record-running-processes.ts';
import { findByMarker, makeMarker, waitForMarkerGone } from '../process/process-helpers.ts';
import { makeTempDir } from '../state/helpers.ts';

const linux = process.platform === 'linux';

// A process group that ignores SIGTERM, as a dead run's task would leave it.
function startGroup(marker: string): number {
  const child = spawn('sh', ['-c', `trap "" TERM; sleep 1000.${marker} & sleep 1000.${marker}`], { detached: true, stdio: 'ignore' });
  child.unref();
  return child.pid as number;
}

test('ends the recorded groups that are still the same, waits for them, and forgets them', { skip: !linux && 'needs /proc' }, async () => {
  const store = openStore(makeTempDir());
  const ours = makeMarker();
  const innocent = makeMarker();
  const pgid = startGroup(ours);
  const other = startGroup(innocent);
  try {
    const recorder = createProcessRecorder(store, 'dead run');
    recorder.groupStarted(pgid, readProcessStart(pgid));
    // Recorded with another start time: the pid now names another process; not ours to end.
    recorder.groupStarted(other, String(Number(readProcessStart(other)) + 1));
    recorder.flush();
    await new Promise((resolve) => setTimeout(resolve, 200)); // the group's members started
    assert.equal(await endPreviousRun(store), 2);
    assert.deepEqual(await findByMarker(ours), [], 'gone when endPreviousRun returns');
    assert.ok((await findByMarker(innocent)).length > 0, 'a process that is not provably the recorded one is left alone');
    assert.deepEqual(readRunningProcesses(store), { here: [], total: 0 });
    assert.equal(await endPreviousRun(store), 0);
  } finally {
    process.kill(-other, 'SIGKILL');
    await waitForMarkerGone(innocent);
    store.close();
  }
});

// A sluice that ran function steps and died: what they started carries `<its pid>:<thread>` in
// SLUICE_SPAWNED_BY, outlives it (reparented), and ignores SIGTERM.
test("ends what a dead sluice's function steps started, by the tag in their environment, and nothing else", { skip: !linux && 'needs /proc' }, async () => {
  const store = openStore(makeTempDir());
  const orphan = makeMarker();
  const untagged = makeMarker();
  const other = makeMarker();
  const own = makeMarker();
  // The "sluice": starts its children with its own pid as their tag, then exits.
  const script = [
    `SLUICE_SPAWNED_BY="other:1 $$:7" sh -c 'trap "" TERM; sleep 1000.${orphan} & env -u SLUICE_SPAWNED_BY setsid sleep 1000.${untagged} & wait' &`,
    `SLUICE_SPAWNED_BY="$(( $$ + 100000 )):7" sleep 1000.${other} &`,
  ].join('\n');
  const dead = spawn('sh', ['-c', `${script}\nsleep 0.5`], { stdio: 'ignore' });
  const deadPid = dead.pid as number;
  const deadStart = readProcessStart(deadPid);
  const ownChild = spawn('sleep', [`1000.${own}`], { stdio: 'ignore', env: { ...process.env, SLUICE_SPAWNED_BY: `${process.pid}:3` } });
  try {
    const recorder = createProcessRecorder(store, 'dead run');
    recorder.spawnerStarted(deadPid, deadStart);
    // This process, alive: a running sluice ends its own.
    recorder.spawnerStarted(process.pid, readProcessStart(process.pid));
    await new Promise<void>((resolve) => dead.on('exit', () => resolve()));
    assert.ok((await findByMarker(orphan)).length > 0 && (await findByMarker(untagged)).length > 0, 'they outlive it');
    assert.equal(await endPreviousRun(store), 2);
    assert.deepEqual(await findByMarker(orphan), [], 'gone when endPreviousRun returns');
    assert.deepEqual(await findByMarker(untagged), [], 'its descendant that dropped the tag too');
    assert.ok((await findByMarker(other)).length > 0, 'another pid\'s tag is left alone');
    assert.ok((await findByMarker(own)).length > 0, 'a living sluice\'s processes are left alone');
    assert.deepEqual(readRunningProcesses(store), { here: [], total: 0 });
  } finally {
    ownChild.kill('SIGKILL');
    for (const pid of [...(await findByMarker(other)), ...(await findByMarker(orphan)), ...(await findByMarker(untagged))]) process.kill(pid, 'SIGKILL');
    store.close();
  }
});

// A run starts its launcher before it holds the lock (cli/execute-request.ts): the helper's ledger
// `.sluice/launchers/<pid>` exists while the run ends what a killed one left. When a dead helper
// recorded then had the same pid, forgetting it must not remove the live helper's ledger.
test("leaves the ledger of a live process with a recorded dead helper's pid", { skip: !linux && 'needs /proc' }, async () => {
  const root = makeTempDir();
  const store = openStore(root);
  const marker = makeMarker();
  const live = spawn('sleep', [`1000.${marker}`], { stdio: 'ignore' });
  const pid = live.pid as number;
  try {
    const recorder = createProcessRecorder(store, 'dead run');
    // Recorded with another start time: the dead helper, whose pid the live process now has.
    recorder.helperStarted(pid, String(Number(readProcessStart(pid)) + 1));
    fs.mkdirSync(recorder.ledgerDir, { recursive: true });
    const ledger = path.join(recorder.ledgerDir, String(pid));
    fs.writeFileSync(ledger, '');
    await endPreviousRun(store);
    assert.ok((await findByMarker(marker)).length > 0, 'not provably the helper: left alone');
    assert.deepEqual(readRunningProcesses(store), { here: [], total: 0 });
    assert.ok(fs.existsSync(ledger), 'the live process\'s ledger is left');
  } finally {
    live.kill('SIGKILL');
    store.close();
  }
});
