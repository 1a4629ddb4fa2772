import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { abortsBetterSqlite3, chooseSqliteDriver, openSqlite } from '../../src/state/store/open-sqlite.ts';
import type { SqliteDriverName } from '../../src/state/store/sqlite-driver.ts';
import { StateError } from '../../src/state/store/state-errors.ts';
import { makeTempDir } from './helpers.ts';

test('node:sqlite is chosen from Node 22.13 on, better-sqlite3 before; SLUICE_SQLITE forces one', () => {
  assert.equal(chooseSqliteDriver({}, '20.19.0'), 'better-sqlite3');
  assert.equal(chooseSqliteDriver({}, '22.12.0'), 'better-sqlite3');
  assert.equal(chooseSqliteDriver({}, '22.13.0'), 'node');
  assert.equal(chooseSqliteDriver({}, '24.0.0'), 'node');
  assert.equal(chooseSqliteDriver({ SLUICE_SQLITE: 'better-sqlite3' }, '24.0.0'), 'better-sqlite3');
  assert.equal(chooseSqliteDriver({ SLUICE_SQLITE: 'better-sqlite3' }, '24.18.1'), 'better-sqlite3');
  // From 24.19 better-sqlite3 12 aborts the process in a GC: refused, saying why and what to do.
  for (const version of ['24.19.0', '24.21.0', '25.0.0', '26.3.0']) {
    assert.throws(() => chooseSqliteDriver({ SLUICE_SQLITE: 'better-sqlite3' }, version), (error: Error) => {
      assert.equal(error.name, 'StateError');
      assert.match(error.message, new RegExp(`^SLUICE_SQLITE=better-sqlite3 is refused on Node ${version.replace(/\./g, '\\.')}: .*aborts the process.*unset SLUICE_SQLITE\\.$`));
      return true;
    });
  }
  assert.equal(chooseSqliteDriver({}, '24.21.0'), 'node');
  assert.equal(chooseSqliteDriver({ SLUICE_SQLITE: 'node' }, '20.19.0'), 'node');
  assert.throws(() => chooseSqliteDriver({ SLUICE_SQLITE: 'sqlite3' }, '24.0.0'), (error: unknown) => {
    assert.ok(error instanceof StateError);
    assert.equal(error.message, 'Expected `SLUICE_SQLITE` to be `node` or `better-sqlite3`, got `sqlite3`');
    return true;
  });
});

// The drivers this Node can load: node:sqlite from 22.13, better-sqlite3 where it is built for it.
function loadableDrivers(): SqliteDriverName[] {
  const drivers: SqliteDriverName[] = [];
  for (const driver of ['node', 'better-sqlite3'] as const) {
    try {
      openSqlite(':memory:', {}, driver).close();
      drivers.push(driver);
    } catch {
      // Not on this Node.
    }
  }
  return drivers;
}

test('at least the driver sluice chooses by default loads', () => {
  assert.ok(loadableDrivers().includes(chooseSqliteDriver({}, process.versions.node)));
});

for (const driver of loadableDrivers()) {
  test(`${driver}: statements, modes, BigInt, iterate and pragma behave as sluice expects`, () => {
    const db = openSqlite(path.join(makeTempDir(), 'a.db'), {}, driver);
    try {
      assert.equal(db.pragma('journal_mode = WAL', { simple: true }), 'wal');
      db.exec('PRAGMA busy_timeout = 5000');
      assert.equal(db.pragma('busy_timeout', { simple: true }), 5000);
      db.exec('CREATE TABLE t (k TEXT PRIMARY KEY, n INTEGER NOT NULL, x)');
      const insert = db.prepare('INSERT INTO t VALUES (?, ?, ?)');
      assert.equal(insert.run('a', 1, 7).changes, 1);
      insert.run('b', 2n ** 60n, null);
      assert.equal(db.prepare('SELECT typeof(n) FROM t WHERE k = ?').pluck().get('a'), 'integer');
      assert.deepEqual(db.prepare('SELECT k, n FROM t ORDER BY k LIMIT ?').all(1), [{ k: 'a', n: 1 }]);
      const big = db.prepare('SELECT k, n FROM t WHERE k = ?').safeIntegers(true).raw(true);
      assert.deepEqual(big.get('b'), ['b', 2n ** 60n]);
      assert.deepEqual(big.all('b'), [['b', 2n ** 60n]]);
      const keys = db.prepare('SELECT k FROM t ORDER BY k').pluck();
      assert.deepEqual([...keys.iterate()], ['a', 'b']);
      assert.equal(db.prepare('SELECT k FROM t WHERE k = ?').get('none'), undefined);
      assert.equal(db.open, true);
    } finally {
      db.close();
    }
    assert.equal(db.open, false);
  });

  test(`${driver}: a transaction commits, rolls back on a throw, and nests as a savepoint`, () => {
    const db = openSqlite(path.join(makeTempDir(), 'a.db'), {}, driver);
    try {
      db.exec('CREATE TABLE t (n INTEGER)');
      const insert = db.prepare('INSERT INTO t VALUES (?)');
      const count = (): unknown => db.prepare('SELECT count(*) FROM t').pluck().get();
      assert.equal(db.transaction((n: number) => insert.run(n).changes)(1), 1);
      assert.throws(() => db.transaction(() => {
        insert.run(2);
        throw new Error('boom');
      }).immediate(), /boom/);
      assert.equal(count(), 1);
      db.transaction(() => {
        insert.run(3);
        assert.throws(() => db.transaction(() => {
          insert.run(4);
          throw new Error('inner');
        })(), /inner/);
        insert.run(5);
      }).immediate();
      assert.deepEqual(db.prepare('SELECT n FROM t ORDER BY n').pluck().all(), [1, 3, 5]);
      // A transaction after a failed one starts cleanly.
      db.transaction(() => insert.run(6))();
      assert.equal(count(), 4);
    } finally {
      db.close();
    }
  });

  test(`${driver}: a read-only handle cannot write`, () => {
    const file = path.join(makeTempDir(), 'a.db');
    const writer = openSqlite(file, {}, driver);
    writer.exec('CREATE TABLE t (n INTEGER)');
    writer.close();
    const reader = openSqlite(file, { readonly: true }, driver);
    try {
      assert.throws(() => reader.exec('INSERT INTO t VALUES (1)'), /readonly|read-only/i);
    } finally {
      reader.close();
    }
  });
}

test('a Node without node:sqlite and without better-sqlite3 is told which package to install', () => {
  const dir = makeTempDir();
  const script = [
    `const Module = require('node:module');`,
    `const resolve = Module._resolveFilename;`,
    `Module._resolveFilename = function (request, ...rest) {`,
    `  if (request === 'better-sqlite3') { const e = new Error("Cannot find module 'better-sqlite3'"); e.code = 'MODULE_NOT_FOUND'; throw e; }`,
    `  return resolve.call(this, request, ...rest);`,
    `};`,
  ].join('\n');
  const hook = path.join(dir, 'hide-better-sqlite3.cjs');
  fs.writeFileSync(hook, script);
  const result = spawnSync(
    process.execPath,
    ['--require', hook, '--import', 'tsx', '-e', `
      import('${path.resolve('src/state/store/open-store.ts')}').then(({ openStore }) => {
        try { openStore(${JSON.stringify(dir)}); console.log('opened'); }
        catch (error) { console.log(error.name + ': ' + error.message); }
      });`],
    { encoding: 'utf8', env: { ...process.env, SLUICE_SQLITE: 'better-sqlite3' } },
  );
  assert.equal(result.stderr, '');
  // Where forcing better-sqlite3 is refused (Node 24.19+), the refusal comes first.
  if (abortsBetterSqlite3(process.versions.node)) assert.match(result.stdout, /^StateError: SLUICE_SQLITE=better-sqlite3 is refused on Node /);
  else assert.match(result.stdout, /^StateError: sluice keeps its state in SQLite, and .*better-sqlite3.*, which is not installed\. Install it where sluice is installed \(`npm install better-sqlite3`\), or run sluice on Node 22\.13 or newer\.\n$/);
});


test('opening the store prints nothing: no ExperimentalWarning from node:sqlite (Node 22)', () => {
  const dir = makeTempDir();
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', '-e', `
      import('${path.resolve('src/state/store/open-store.ts')}').then(({ openStore }) => {
        openStore(${JSON.stringify(dir)}).close();
        console.log('opened');
      });`],
    { encoding: 'utf8', env: { ...process.env, SLUICE_SQLITE: '' } },
  );
  assert.equal(result.stderr, '');
  assert.equal(result.stdout, 'opened\n');
});
