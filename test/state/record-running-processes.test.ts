import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { openSqlite } from '../../src/state/store/open-sqlite.ts';
import { openStore } from '../../src/state/store/open-store.ts';
import { createProcessRecorder, readRunningProcesses } from '../../src/state/journal/record-running-processes.ts';
import { MIGRATIONS } from '../../src/state/store/schema.ts';
import { makeTempDir } from './helpers.ts';

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('records groups as they start and forgets them as they end, in batches', async () => {
  const store = openStore(makeTempDir());
  try {
    const recorder = createProcessRecorder(store, 'token');
    recorder.helperStarted(900, '1234');
    assert.deepEqual(readRunningProcesses(store).here, [{ kind: 'helper', pid: 900, start: '1234' }], 'the helper at once');
    recorder.groupStarted(1001, '2000');
    recorder.groupStarted(1002, undefined);
    recorder.groupStarted(1003, '2002');
    recorder.groupEnded(1003); // started and ended in one turn: never written
    await nextTurn();
    const groups = (): unknown[] => readRunningProcesses(store).here.filter((row) => row.kind === 'group');
    assert.deepEqual(groups(), [
      { kind: 'group', pid: 1001, start: '2000' },
      { kind: 'group', pid: 1002, start: undefined },
    ]);
    recorder.groupEnded(1001);
    recorder.groupEnded(4242); // never recorded: ignored
    recorder.flush();
    assert.deepEqual(groups(), [{ kind: 'group', pid: 1002, start: undefined }]);
  } finally {
    store.close();
  }
});

test("another machine's records are read, but not as this machine's", () => {
  const store = openStore(makeTempDir());
  try {
    store.db.prepare(`INSERT INTO running_processes VALUES ('group', 5, '77', 'elsewhere', 't')`).run();
    assert.deepEqual(readRunningProcesses(store), { here: [], total: 1 });
  } finally {
    store.close();
  }
});

test('a database of schema version 3 gets the table and keeps its data', () => {
  const root = makeTempDir();
  fs.mkdirSync(path.join(root, '.sluice'));
  const old = openSqlite(path.join(root, '.sluice', 'state.db'));
  old.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)');
  for (const migration of MIGRATIONS.filter((m) => m.version <= 3)) {
    old.exec(migration.sql);
    old.prepare('INSERT INTO schema_migrations VALUES (?, ?)').run(migration.version, 1);
  }
  old.prepare(`INSERT INTO runs VALUES ('r', 1, 'h', 'c', 1, NULL, 'running')`).run();
  old.close();
  const store = openStore(root);
  try {
    assert.equal(store.db.prepare('SELECT count(*) FROM runs').pluck().get(), 1);
    assert.deepEqual(readRunningProcesses(store), { here: [], total: 0 });
  } finally {
    store.close();
  }
});
