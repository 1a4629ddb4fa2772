// A run given a kept plan narrowed to what an edit touched (state/freshness/narrow-kept-plan.ts)
// settles the other tasks only while the snapshot it was narrowed by is still the one read: if a
// run held the lock in between (and deleted it), the session runs the whole plan.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Task } from '../../src/kernel/task.ts';
import { planMap } from '../../src/plan/plan-map.ts';
import { closeSession } from '../../src/session/close-session.ts';
import { openSession } from '../../src/session/open-session.ts';
import { runSession } from '../../src/session/run-session.ts';
import { TEMP_PREFIX } from '../../src/execute/staging-folders.ts';
import { confirmSnapshot, encodeSnapshotFor, snapshotPathOf, takeSnapshot, writeSnapshot, type ObservedStamp } from '../../src/state/freshness/up-to-date-snapshot.ts';
import { keepPlan, planIdentity, readKeptPlan } from '../../src/state/freshness/kept-plan.ts';
import { narrowKeptPlan } from '../../src/state/freshness/narrow-kept-plan.ts';
import { statFile } from '../../src/state/hashes/stat-file.ts';
import { makeTempDir, writeOldFile } from '../state/helpers.ts';

const request = { jobs: 2, keepGoing: false, command: 'sluice test' };

// `cat` over a, b, c, run once; then a snapshot of their files, a.txt edited, and the plan narrowed.
async function narrowedAfterEdit(root: string, tasks: readonly Task[], damage?: (keptFile: string) => void) {
  const stamps = new Map<string, ObservedStamp>();
  for (const task of tasks) for (const name of [...task.inputs, ...task.outputs]) stamps.set(path.join(root, name), statFile(path.join(root, name)) ?? null);
  const file = snapshotPathOf(root, 'pipeline.ts');
  const later = BigInt(Date.now()) * 1_000_000n + 3_600_000_000_000n;
  const bytes = encodeSnapshotFor(file, takeSnapshot({ file, key: 'k', folders: new Map(), listedAtNs: later }, tasks, { inputs: stamps, outputs: stamps })!);
  assert.ok(bytes);
  writeSnapshot(file, bytes);
  const identity = planIdentity(file, 'k', request.jobs);
  keepPlan(identity, { tasks, dependencies: new Map(), targets: new Set(), listings: { folders: new Map(), exact: true, startedAtNs: later } }, bytes);
  damage?.(identity.file);
  writeOldFile(path.join(root, 'a.txt'), `edited ${Math.random()}\n`);
  const confirmed = confirmSnapshot(file, 'k');
  assert.ok('why' in confirmed && confirmed.unchanged !== undefined);
  const narrowed = narrowKeptPlan(readKeptPlan(identity, confirmed.unchanged)!, confirmed.unchanged);
  assert.ok(narrowed);
  assert.deepEqual(narrowed.tasks.map((task) => task.inputs[0]), ['a.txt']);
  return { file, run: { ...request, root, tasks: narrowed.tasks, dependencies: narrowed.dependencies, unchanged: confirmed.unchanged, narrowed } };
}

describe('runSession given a narrowed plan', () => {
  it('settles the tasks left out while the snapshot holds, and runs the whole plan once it went', async () => {
    const root = makeTempDir('sluice-narrowed-');
    for (const name of ['a.txt', 'b.txt', 'c.txt']) writeOldFile(path.join(root, name), `${name}\n`);
    const tasks = planMap({ command: ['cat'], shell: false, inputs: ['a.txt', 'b.txt', 'c.txt'], outTemplate: 'out/{stem}.txt', cwd: root, retries: 0 });
    assert.equal((await runSession({ ...request, root, tasks })).counts.succeeded, 3);

    const held = await narrowedAfterEdit(root, tasks);
    const narrowed = await runSession(held.run);
    assert.deepEqual({ total: narrowed.total, ran: narrowed.counts.succeeded, upToDate: narrowed.counts['up to date'] }, { total: 3, ran: 1, upToDate: 2 });
    assert.equal(narrowed.survey.verdicts.size, 1, 'only the task given was surveyed');

    // Another run (a `sluice clean`, say) held the lock between the snapshot's check and this run.
    const gone = await narrowedAfterEdit(root, tasks);
    fs.rmSync(gone.file);
    fs.rmSync(path.join(root, 'out/b.txt'));
    const whole = await runSession(gone.run);
    assert.deepEqual({ total: whole.total, ran: whole.counts.succeeded, upToDate: whole.counts['up to date'] }, { total: 3, ran: 2, upToDate: 1 });
    assert.equal(fs.readFileSync(path.join(root, 'out/b.txt'), 'utf8'), 'b.txt\n');
  });

  it('closes the session, and says so, when the whole plan it must fall back to turns out damaged', async () => {
    const root = makeTempDir('sluice-narrowed-');
    for (const name of ['a.txt', 'b.txt', 'c.txt']) writeOldFile(path.join(root, name), `${name}\n`);
    const tasks = planMap({ command: ['cat'], shell: false, inputs: ['a.txt', 'b.txt', 'c.txt'], outTemplate: 'out/{stem}.txt', cwd: root, retries: 0 });
    assert.equal((await runSession({ ...request, root, tasks })).counts.succeeded, 3);
    // The line of a task the narrowed plan settles, damaged (unread until the whole plan is);
    // and what a killed run left staged, which the session cleans up: then the snapshot no
    // longer speaks for the files, and the whole plan is read.
    const held = await narrowedAfterEdit(root, tasks, (keptFile) => fs.writeFileSync(keptFile, fs.readFileSync(keptFile, 'utf8').replace(/\n[^\n]*$/, '\n{"damaged')));
    fs.mkdirSync(path.join(root, 'out', `${TEMP_PREFIX}killed`));
    fs.writeFileSync(path.join(root, 'out', `${TEMP_PREFIX}killed`, 'half-written'), 'x');
    await assert.rejects(runSession(held.run), /the kept plan of the last run is damaged: run again/);
    // The folder is free: its lock released, its store closed.
    await closeSession(await openSession({ root, command: 'sluice check', jobs: 1, tasks: [] }));
  });
});
