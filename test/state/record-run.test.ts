import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { SluiceError } from '../../src/errors.ts';
import { computeSignature } from '../../src/state/freshness/compute-signature.ts';
import { forgetSteps, forgetTasks } from '../../src/state/journal/forget-successes.ts';
import { openStore } from '../../src/state/store/open-store.ts';
import { listRuns, readAttempts } from '../../src/state/journal/read-history.ts';
import { readSuccesses } from '../../src/state/journal/read-successes.ts';
import { finishAttempt, recordEndedAttempts, startAttempt } from '../../src/state/journal/record-attempt.ts';
import { finishRun, startRun } from '../../src/state/journal/record-run.ts';
import { recordSuccess, recordSuccesses } from '../../src/state/journal/record-success.ts';
import { makeTaskKey } from '../../src/state/freshness/task-key.ts';
import { makeTask, makeTempDir } from './helpers.ts';

test('a run, its attempts and a success are recorded and read back for status and report', () => {
  const root = makeTempDir();
  const store = openStore(root);
  const task = makeTask({ cwd: root, id: 7, inputs: [], outputs: ['out.txt'] });
  const run = startRun(store, { id: '20261125-120000-10', command: 'sluice run', startedAt: 1000 });
  assert.equal(run.status, 'running');

  startAttempt(store, { runId: run.id, task, attempt: 1, logPath: '/logs/7.1.log', startedAt: 1100 });
  finishAttempt(store, { runId: run.id, task, attempt: 1, state: 'failed', exitCode: 3, finishedAt: 1200 });
  startAttempt(store, { runId: run.id, task, attempt: 2, logPath: '/logs/7.2.log', startedAt: 1300 });
  fs.writeFileSync(path.join(root, 'out.txt'), 'done');
  const signature = computeSignature({ action: task.action, inputs: [], outputs: task.outputs });
  recordSuccess(store, { runId: run.id, task, signature, attempt: 2, startedAt: 1300, finishedAt: 1500 });
  finishRun(store, run.id, 'succeeded', 1600);

  assert.deepEqual(listRuns(store), [{ ...run, startedAt: 1000, finishedAt: 1600, status: 'succeeded' }]);
  const attempts = readAttempts(store, run.id);
  assert.deepEqual(
    attempts.map((a) => [a.taskId, a.attempt, a.state, a.exitCode, a.logPath, a.startedAt, a.finishedAt]),
    [
      [7, 1, 'failed', 3, '/logs/7.1.log', 1100, 1200],
      [7, 2, 'succeeded', 0, '/logs/7.2.log', 1300, 1500],
    ],
  );
  const key = makeTaskKey(task);
  const success = readSuccesses(store, [key]).get(key);
  assert.equal(success?.durationMs, 200);
  assert.equal(success?.signature, signature.value);
  assert.match(success?.outputs[0]?.stamp ?? '', /^4:\d+:\d+$/);
  assert.equal(success?.outputs[0]?.path, 'out.txt');
  store.close();
});

test('a run left running by a dead sluice becomes crashed, its running attempts interrupted', () => {
  const store = openStore(makeTempDir());
  const task = makeTask({ cwd: '/nowhere' });
  startRun(store, { id: '20261125-120000-1', command: 'sluice run' });
  startAttempt(store, { runId: '20261125-120000-1', task, attempt: 1 });
  startRun(store, { id: '20261125-120500-2', command: 'sluice run' });
  const [newer, older] = listRuns(store);
  assert.equal(newer?.status, 'running');
  assert.equal(older?.status, 'crashed');
  assert.equal(readAttempts(store, '20261125-120000-1')[0]?.state, 'interrupted');
  store.close();
});

test('finishing a run marks attempts it left running as interrupted', () => {
  const store = openStore(makeTempDir());
  const task = makeTask({ cwd: '/nowhere' });
  startRun(store, { id: 'r', command: 'sluice map' });
  startAttempt(store, { runId: 'r', task, attempt: 1 });
  finishRun(store, 'r', 'interrupted');
  assert.equal(readAttempts(store, 'r')[0]?.state, 'interrupted');
  assert.equal(listRuns(store)[0]?.status, 'interrupted');
  store.close();
});

test('finishing an attempt that never started is a bug; recording a success with a missing output too', () => {
  const root = makeTempDir();
  const store = openStore(root);
  const task = makeTask({ cwd: root });
  startRun(store, { id: 'r', command: 'sluice run' });
  assert.throws(() => finishAttempt(store, { runId: 'r', task, attempt: 1, state: 'failed' }), (error: unknown) => {
    assert.ok(error instanceof SluiceError);
    assert.match(error.message, /this is a bug in sluice/);
    return true;
  });
  const signature = computeSignature({ action: task.action, inputs: [], outputs: task.outputs });
  assert.throws(() => recordSuccess(store, { runId: 'r', task, signature, attempt: 1, startedAt: 0 }), /output out.txt does not exist/);
  assert.equal(store.db.prepare('SELECT count(*) FROM task_successes').pluck().get(), 0);
  store.close();
});

test('forgetting tasks or steps removes their successes', () => {
  const root = makeTempDir();
  const store = openStore(root);
  startRun(store, { id: 'r', command: 'sluice run' });
  const tasks = [
    makeTask({ cwd: root, id: 1, step: 'a', outputs: ['1'] }),
    makeTask({ cwd: root, id: 2, step: 'a', outputs: ['2'] }),
    makeTask({ cwd: root, id: 3, step: 'b', outputs: ['3'] }),
  ];
  for (const task of tasks) {
    fs.writeFileSync(path.join(root, task.outputs[0]!), '');
    const signature = computeSignature({ action: task.action, inputs: [], outputs: task.outputs });
    recordSuccess(store, { runId: 'r', task, signature, attempt: 1, startedAt: 0 });
  }
  assert.equal(forgetTasks(store, [makeTaskKey(tasks[0]!)]), 1);
  assert.equal(forgetSteps(store, ['a', 'b']), 2);
  assert.equal(store.db.prepare('SELECT count(*) FROM task_successes').pluck().get(), 0);
  store.close();
});

test('successes recorded in a batch are all there, or none when one output is missing', () => {
  const root = makeTempDir();
  const store = openStore(root);
  startRun(store, { id: 'r', command: 'sluice run' });
  const entries = [1, 2, 3].map((id) => {
    const task = makeTask({ cwd: root, id, inputs: [], outputs: [`${id}.out`] });
    return { runId: 'r', task, signature: computeSignature({ action: task.action, inputs: [], outputs: task.outputs }), attempt: 1, startedAt: 0 };
  });
  fs.writeFileSync(path.join(root, '1.out'), '');
  fs.writeFileSync(path.join(root, '2.out'), '');
  assert.throws(() => recordSuccesses(store, entries), /output 3.out does not exist/);
  assert.equal(store.db.prepare('SELECT count(*) FROM task_successes').pluck().get(), 0);
  fs.writeFileSync(path.join(root, '3.out'), '');
  recordSuccesses(store, entries);
  assert.equal(readSuccesses(store, entries.map((e) => makeTaskKey(e.task))).size, 3);
  assert.deepEqual(readAttempts(store, 'r').map((a) => a.state), ['succeeded', 'succeeded', 'succeeded']);
  store.close();
});

test('ended attempts are written in one batch and replace what startAttempt wrote', () => {
  const store = openStore(makeTempDir());
  const task = makeTask({ cwd: '/nowhere', id: 4 });
  startRun(store, { id: 'r', command: 'sluice run' });
  startAttempt(store, { runId: 'r', task, attempt: 1, startedAt: 10 });
  recordEndedAttempts(store, [
    { runId: 'r', task, attempt: 1, state: 'timed out', signal: 'SIGKILL', logPath: '/l/4.1.log', startedAt: 10, finishedAt: 20 },
    { runId: 'r', task, attempt: 2, state: 'cancelled', exitCode: null, startedAt: 30, finishedAt: 40 },
  ]);
  assert.deepEqual(
    readAttempts(store, 'r').map((a) => [a.attempt, a.state, a.signal, a.logPath, a.finishedAt]),
    [
      [1, 'timed out', 'SIGKILL', '/l/4.1.log', 20],
      [2, 'cancelled', null, null, 40],
    ],
  );
  store.close();
});
