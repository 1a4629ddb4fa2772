import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { SluiceError } from '../../src/errors.ts';
import { computeSignature } from '../../src/state/freshness/compute-signature.ts';
import { forgetSteps } from '../../src/state/journal/forget-successes.ts';
import { createJournal } from '../../src/state/journal/journal.ts';
import { openStore } from '../../src/state/store/open-store.ts';
import { listRuns, readAttempts, readRunSteps } from '../../src/state/journal/read-history.ts';
import { readSuccesses } from '../../src/state/journal/read-successes.ts';
import { freeRunId, startRun } from '../../src/state/journal/record-run.ts';
import { makeTaskKey } from '../../src/state/freshness/task-key.ts';
import { makeOutcome, makeTask, makeTempDir } from './helpers.ts';

test('a run, its attempts and a success are recorded through the journal and read back for status and report', async () => {
  const root = makeTempDir();
  const store = openStore(root);
  const task = makeTask({ cwd: root, id: 7, inputs: [], outputs: ['out.txt'] });
  const journal = createJournal(store);
  const run = journal.startRun({ id: '20261125-120000-10', command: 'sluice run', startedAt: 1000 });
  assert.equal(run.status, 'running');

  journal.endAttempt(task, 1, makeOutcome({ status: 'failed', exitCode: 3, argv: ['make', 'it'], stderrLog: '/logs/7.1.err', startedAt: 1100, endedAt: 1200, error: 'no' }));
  fs.writeFileSync(path.join(root, 'out.txt'), 'done');
  const signature = computeSignature({ action: task.action, inputs: [], outputs: task.outputs });
  await journal.commitSuccess({ task, attempt: 2, signature, startedAt: 1300, finishedAt: 1500 });
  journal.endAttempt(task, 2, makeOutcome({ argv: ['make', 'it'], stderrLog: '/logs/7.2.err', startedAt: 1300, endedAt: 1500, usage: { cpuUserUs: 15000, cpuSystemUs: 5000, maxRssKb: 900 } }));
  journal.countSteps([{ step: task.step, position: 0, tasks: 1, upToDate: 0 }]);
  journal.finishRun('succeeded', 1600);

  assert.deepEqual(listRuns(store), [{ ...run, startedAt: 1000, finishedAt: 1600, status: 'succeeded' }]);
  assert.deepEqual(
    readAttempts(store, run.id).map((a) => [a.taskId, a.attempt, a.state, a.exitCode, a.logPath, a.startedAt, a.finishedAt, a.command, a.error, a.cpuMs, a.maxRssKb]),
    [
      [7, 1, 'failed', 3, '/logs/7.1.err', 1100, 1200, 'make it', 'no', null, null],
      [7, 2, 'succeeded', 0, '/logs/7.2.err', 1300, 1500, 'make it', null, 20, 900],
    ],
  );
  assert.deepEqual(readRunSteps(store, run.id), [{ step: task.step, position: 0, tasks: 1, upToDate: 0 }]);
  const key = makeTaskKey(task);
  const success = readSuccesses(store, [key]).get(key);
  assert.equal(success?.durationMs, 200);
  assert.equal(success?.signature, signature.value);
  assert.match(success?.outputs[0]?.stamp ?? '', /^4:\d+:\d+$/);
  assert.equal(success?.outputs[0]?.path, 'out.txt');
  store.close();
});

test('a run left running by a dead sluice becomes crashed when the next one starts', () => {
  const store = openStore(makeTempDir());
  startRun(store, { id: '20261125-120000-1', command: 'sluice run' });
  createJournal(store).startRun({ id: '20261125-120500-2', command: 'sluice run' });
  const [newer, older] = listRuns(store);
  assert.equal(newer?.status, 'running');
  assert.equal(older?.status, 'crashed');
  store.close();
});

test('writing to a journal whose run never started is a bug; recording a success with a missing output too', async () => {
  const root = makeTempDir();
  const store = openStore(root);
  const task = makeTask({ cwd: root });
  assert.throws(() => createJournal(store).finishRun('failed'), (error: unknown) => {
    assert.ok(error instanceof SluiceError);
    assert.match(error.message, /this is a bug in sluice/);
    return true;
  });
  const journal = createJournal(store);
  journal.startRun({ id: 'r', command: 'sluice run' });
  const signature = computeSignature({ action: task.action, inputs: [], outputs: task.outputs });
  await assert.rejects(journal.commitSuccess({ task, attempt: 1, signature, startedAt: 0 }), /output out.txt does not exist/);
  assert.equal(store.db.prepare('SELECT count(*) FROM task_successes').pluck().get(), 0);
  store.close();
});

test('forgetting steps removes their successes', async () => {
  const root = makeTempDir();
  const store = openStore(root);
  const journal = createJournal(store);
  journal.startRun({ id: 'r', command: 'sluice run' });
  const tasks = [
    makeTask({ cwd: root, id: 1, step: 'a', outputs: ['1'] }),
    makeTask({ cwd: root, id: 2, step: 'a', outputs: ['2'] }),
    makeTask({ cwd: root, id: 3, step: 'b', outputs: ['3'] }),
  ];
  for (const task of tasks) {
    fs.writeFileSync(path.join(root, task.outputs[0]!), '');
    const signature = computeSignature({ action: task.action, inputs: [], outputs: task.outputs });
    void journal.commitSuccess({ task, attempt: 1, signature, startedAt: 0 });
  }
  journal.flush();
  assert.equal(forgetSteps(store, ['a']), 2);
  assert.equal(forgetSteps(store, ['a', 'b']), 1);
  assert.equal(store.db.prepare('SELECT count(*) FROM task_successes').pluck().get(), 0);
  store.close();
});

test('successes written in a batch are all there, or none when one output is missing; the attempts that wait go with them', async () => {
  const root = makeTempDir();
  const store = openStore(root);
  const journal = createJournal(store, { batch: { delayMs: 60_000 } });
  journal.startRun({ id: 'r', command: 'sluice run' });
  const entries = [1, 2, 3].map((id) => {
    const task = makeTask({ cwd: root, id, inputs: [], outputs: [`${id}.out`] });
    return { task, attempt: id === 1 ? 2 : 1, signature: computeSignature({ action: task.action, inputs: [], outputs: task.outputs }), startedAt: 0 };
  });
  fs.writeFileSync(path.join(root, '1.out'), '');
  fs.writeFileSync(path.join(root, '2.out'), '');
  // The first comes alone and is written at once, with its attempt's row and the attempt that
  // ended before it.
  journal.endAttempt(entries[0]!.task, 1, makeOutcome({ status: 'failed', exitCode: 1 }));
  await journal.commitSuccess(entries[0]!);
  assert.deepEqual(readAttempts(store, 'r').map((a) => [a.attempt, a.state, a.command]), [[1, 'failed', null], [2, 'succeeded', null]]);
  journal.endAttempt(entries[0]!.task, 2, makeOutcome({ argv: ['make', '1.out'] }));
  const failed = Promise.allSettled([journal.commitSuccess(entries[1]!), journal.commitSuccess(entries[2]!)]);
  journal.flush();
  assert.match(String(((await failed)[1] as PromiseRejectedResult).reason), /output 3.out does not exist/);
  assert.equal(readSuccesses(store, entries.map((e) => makeTaskKey(e.task))).size, 1);
  assert.deepEqual(
    readAttempts(store, 'r').map((a) => [a.taskId, a.state, a.command]),
    [[1, 'failed', null], [1, 'succeeded', 'make 1.out']],
    'flush() still writes the attempts that wait, and none of a success not written',
  );
  fs.writeFileSync(path.join(root, '3.out'), '');
  const written = Promise.all([journal.commitSuccess(entries[1]!), journal.commitSuccess(entries[2]!)]);
  journal.flush();
  await written;
  assert.equal(readSuccesses(store, entries.map((e) => makeTaskKey(e.task))).size, 3);
  assert.deepEqual(
    readAttempts(store, 'r').map((a) => [a.taskId, a.attempt, a.state]),
    [[1, 1, 'failed'], [1, 2, 'succeeded'], [2, 1, 'succeeded'], [3, 1, 'succeeded']],
  );
  store.close();
});

test('a temporary output made again is no longer a deleted temporary, once its success is written', async () => {
  const root = makeTempDir();
  const store = openStore(root);
  const journal = createJournal(store);
  journal.startRun({ id: 'r', command: 'sluice run' });
  const task = makeTask({ cwd: root, id: 1, inputs: [], outputs: ['tmp.txt'], temporary: true });
  const file = path.join(root, 'tmp.txt');
  store.db.prepare('INSERT INTO deleted_temporaries (path, hash, deleted_at) VALUES (?, ?, ?)').run(file, 'h', 0);
  fs.writeFileSync(file, 'again');
  await journal.commitSuccess({ task, attempt: 1, signature: computeSignature({ action: task.action, inputs: [], outputs: task.outputs }), startedAt: 0 });
  assert.equal(store.db.prepare('SELECT count(*) FROM deleted_temporaries').pluck().get(), 0);
  store.close();
});

test('two runs of one process in one second get distinct run ids, in the order they began', () => {
  const root = makeTempDir();
  const store = openStore(root);
  const journal = createJournal(store);
  const now = Date.UTC(2026, 11, 3, 12, 0, 0, 400);
  const first = freeRunId(store, now, 4242);
  journal.startRun({ id: first, command: 'sluice run', startedAt: now });
  journal.finishRun('succeeded', now + 100);
  // Before freeRunId, the second run took makeRunId's id again: UNIQUE constraint failed: runs.id.
  const second = freeRunId(store, now + 300, 4242);
  assert.equal(first, '20261203-120000-4242');
  assert.equal(second, '20261203-120001-4242');
  assert.doesNotThrow(() => createJournal(store).startRun({ id: second, command: 'sluice run', startedAt: now + 300 }));
  store.close();
});
