import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { openSqlite } from '../../src/state/store/open-sqlite.ts';
import { openStore } from '../../src/state/store/open-store.ts';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/state/store/schema.ts';
import { EnvironmentError } from '../../src/errors.ts';
import { StateError } from '../../src/state/store/state-errors.ts';
import { makeTempDir } from './helpers.ts';

test('openStore creates .sluice/state.db in WAL mode with synchronous=NORMAL and the schema', () => {
  const root = makeTempDir();
  const store = openStore(root);
  try {
    assert.equal(store.dbPath, path.join(root, '.sluice', 'state.db'));
    assert.ok(fs.existsSync(store.dbPath));
    assert.equal(store.db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(store.db.pragma('synchronous', { simple: true }), 1); // NORMAL
    const tables = store.db
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
      .pluck()
      .all();
    assert.deepEqual(tables, ['deleted_temporaries', 'file_hashes', 'run_steps', 'running_processes', 'runs', 'schema_migrations', 'task_attempts', 'task_successes']);
    const versions = store.db.prepare('SELECT version FROM schema_migrations').pluck().all();
    assert.deepEqual(versions, MIGRATIONS.map((migration) => migration.version));
  } finally {
    store.close();
  }
});

test('reopening applies no migration twice and keeps the data', () => {
  const root = makeTempDir();
  const first = openStore(root);
  first.db.prepare(`INSERT INTO runs VALUES ('r', 1, 'h', 'c', 1, NULL, 'running')`).run();
  first.close();
  const second = openStore(root);
  try {
    assert.equal(second.db.prepare('SELECT count(*) FROM schema_migrations').pluck().get(), MIGRATIONS.length);
    assert.equal(second.db.prepare('SELECT count(*) FROM runs').pluck().get(), 1);
  } finally {
    second.close();
  }
});

test('statement() prepares once and reuses', () => {
  const store = openStore(makeTempDir());
  try {
    assert.equal(store.statement('SELECT 1'), store.statement('SELECT 1'));
  } finally {
    store.close();
  }
});

test('a database from a newer sluice is refused with a StateError', () => {
  const root = makeTempDir();
  openStore(root).close();
  const raw = openSqlite(path.join(root, '.sluice', 'state.db'));
  raw.prepare('INSERT INTO schema_migrations VALUES (?, 0)').run(SCHEMA_VERSION + 1);
  raw.close();
  assert.throws(() => openStore(root), (error: unknown) => {
    assert.ok(error instanceof StateError);
    assert.match(error.message, /newer than this sluice understands/);
    assert.equal(error.exitStatus, 3, 'an environment fault');
    return true;
  });
});

test('a file that is not a database is a damaged database: the error names it and says what to do', () => {
  const root = makeTempDir();
  fs.mkdirSync(path.join(root, '.sluice'));
  const dbPath = path.join(root, '.sluice', 'state.db');
  fs.writeFileSync(dbPath, 'this is not sqlite'.repeat(100));
  assert.throws(() => openStore(root), (error: unknown) => {
    assert.ok(error instanceof EnvironmentError);
    assert.equal(error.path, dbPath);
    assert.equal(error.exitStatus, 3);
    assert.ok(error.message.startsWith(`The state database ${dbPath} is damaged (file is not a database)`), error.message);
    assert.match(error.message, /then run again: sluice starts a new one/);
    return true;
  });
});

test('the stamp check reads key, definition and stamps of every success from an index, not the rows', () => {
  const store = openStore(makeTempDir());
  try {
    const plan = store.db
      .prepare('EXPLAIN QUERY PLAN SELECT task_key, definition, stamps FROM task_successes LIMIT ?')
      .all(10) as Array<{ detail: string }>;
    assert.deepEqual(plan.map((row) => row.detail), ['SCAN task_successes USING COVERING INDEX task_successes_learned']);
  } finally {
    store.close();
  }
});
