import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { compareRunIds, isRunId, makeRunId, runLogDir } from '../../src/state/logs/logs-dir.ts';
import { openStore } from '../../src/state/store/open-store.ts';
import { pruneRuns } from '../../src/state/journal/prune-runs.ts';
import { listRuns, readAttempts } from '../../src/state/journal/read-history.ts';
import { createJournal } from '../../src/state/journal/journal.ts';
import { startRun } from '../../src/state/journal/record-run.ts';
import { makeOutcome, makeTask, makeTempDir } from './helpers.ts';

test('run ids are UTC time then pid, and sort by time', () => {
  assert.equal(makeRunId(new Date('2026-11-25T14:50:12.345Z'), 4242), '20261125-145012-4242');
  assert.ok(isRunId(makeRunId()));
  assert.equal(isRunId('notes'), false);
  const ids = ['20261125-145012-100', '20261124-235959-5', '20261125-145012-99'];
  assert.deepEqual(ids.sort(compareRunIds), ['20261124-235959-5', '20261125-145012-99', '20261125-145012-100']);
});

test('the logs of a run sit under .sluice/logs/<run>', () => {
  assert.equal(runLogDir('/p', 'r1'), '/p/.sluice/logs/r1');
});

test('pruning keeps the newest runs (logs and rows) and the current one', () => {
  const root = makeTempDir();
  const store = openStore(root);
  const ids = Array.from({ length: 25 }, (_, i) => makeRunId(new Date(Date.UTC(2026, 0, 1, 0, 0, i)), 7));
  for (const id of ids) {
    const journal = createJournal(store);
    journal.startRun({ id, command: 'sluice run' });
    journal.endAttempt(makeTask({ cwd: root, id: 1, step: 'step' }), 1, makeOutcome({ status: 'failed', exitCode: 1 }));
    journal.flush();
    fs.mkdirSync(path.join(runLogDir(root, id), 'step'), { recursive: true });
    fs.writeFileSync(path.join(runLogDir(root, id), 'step', '1.1.log'), 'log');
  }
  // A log folder whose run row was already deleted, and an unrelated folder left alone.
  fs.mkdirSync(runLogDir(root, '20250101-000000-1'));
  fs.mkdirSync(path.join(root, '.sluice', 'logs', 'keep-me'));

  const removed = pruneRuns(store, { keep: 20, currentRunId: ids[0] });
  assert.deepEqual(removed.sort(compareRunIds), ['20250101-000000-1', ...ids.slice(1, 5)]);
  const left = fs.readdirSync(path.join(root, '.sluice', 'logs')).sort();
  // sizes.json: each run's log bytes, for the byte budget.
  assert.deepEqual(left, [...ids.slice(0, 1), ...ids.slice(5), 'keep-me', 'sizes.json'].sort());
  assert.deepEqual(listRuns(store, 100).map((r) => r.id).sort(compareRunIds), [ids[0], ...ids.slice(5)]);
  assert.deepEqual(readAttempts(store, ids[1]!), [], 'attempts went with their run');
  assert.equal(readAttempts(store, ids[5]!).length, 1);
  assert.deepEqual(pruneRuns(store, { keep: 20, currentRunId: ids[0] }), []);
  store.close();
});

test('pruning with no logs folder does nothing', () => {
  const store = openStore(makeTempDir());
  assert.deepEqual(pruneRuns(store), []);
  store.close();
});

test('pruning also keeps no more bytes of logs than the budget: the newest runs that fit', () => {
  const root = makeTempDir();
  const store = openStore(root);
  const ids = Array.from({ length: 6 }, (_, i) => makeRunId(new Date(Date.UTC(2026, 0, 2, 0, 0, i)), 7));
  for (const id of ids) {
    startRun(store, { id, command: 'sluice run' });
    fs.mkdirSync(path.join(runLogDir(root, id), 'sub'), { recursive: true });
    fs.writeFileSync(path.join(runLogDir(root, id), '1.1.err'), 'x'.repeat(600));
    fs.writeFileSync(path.join(runLogDir(root, id), 'sub', '1.1.log'), 'y'.repeat(400));
  }
  const current = ids[5] as string;
  // 1,000 bytes a run: the current one and the next newest fit in 2,500, the third would not.
  const removed = pruneRuns(store, { keep: 20, keepBytes: 2500, currentRunId: current });
  assert.deepEqual(removed.sort(compareRunIds), ids.slice(0, 4));
  assert.deepEqual(listRuns(store, 100).map((r) => r.id).sort(compareRunIds), ids.slice(4));
  // A run past the budget on its own is kept when it is the current one, and alone.
  fs.writeFileSync(path.join(runLogDir(root, current), 'big.err'), 'z'.repeat(5000));
  assert.deepEqual(pruneRuns(store, { keep: 20, keepBytes: 2500, currentRunId: current }), [ids[4]]);
  assert.ok(fs.existsSync(runLogDir(root, current)));
  store.close();
});
