// The one handle on `<root>/.sluice/state.db` that every state function takes.

import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { MIGRATIONS, SCHEMA_VERSION } from './schema.ts';
import { openSqlite } from './open-sqlite.ts';
import type { SqliteDatabase, SqliteStatement } from './sqlite-driver.ts';
import { stateDbPathOf, stateDirOf } from './state-dir.ts';
import { classifyFault, diskFull } from '../../classify-fault.ts';
import { findFullFileSystem } from '../../kernel/full-file-system.ts';
import { EnvironmentError } from '../../errors.ts';
import { noteStateDbOpened, StateError } from './state-errors.ts';

export interface StateStore {
  readonly db: SqliteDatabase;
  /** The folder of the pipeline file; `.sluice/` lives in it. */
  readonly root: string;
  readonly stateDir: string;
  readonly dbPath: string;
  /** A prepared statement, compiled on first use and reused for the store's lifetime. */
  statement(sql: string): SqliteStatement;
  close(): void;
}

/** Opens (creating if needed) the state database of the pipeline folder `root`. */
export function openStore(root: string): StateStore {
  const stateDir = stateDirOf(root);
  const dbPath = stateDbPathOf(root);
  noteStateDbOpened(dbPath);
  let db: SqliteDatabase;
  try {
    fs.mkdirSync(stateDir, { recursive: true });
    db = openSqlite(dbPath);
    // WAL: readers (`sluice status`) never block the run, and a commit is one append. NORMAL
    // syncs at checkpoints only: a SIGKILL loses nothing committed, a power cut may lose the
    // last commits but never leaves a torn one.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, dbPath);
  } catch (error) {
    if (error instanceof StateError) throw error;
    throw classifyFault(error, { dbPath, writing: stateDir }) ?? nativeModuleFault(error) ?? unwritableFolder(stateDir) ?? fullFolder(dbPath, error) ?? new StateError(
      `Cannot open the state database ${dbPath}: ${(error as Error).message}. ` +
        'If it is damaged, delete it; every task will then run again.',
      dbPath,
      { cause: error },
    );
  }
  const statements = new Map<string, SqliteStatement>();
  return {
    db,
    root: path.resolve(root),
    stateDir,
    dbPath,
    statement(sql: string): SqliteStatement {
      let prepared = statements.get(sql);
      if (prepared === undefined) {
        prepared = db.prepare(sql);
        statements.set(sql, prepared);
      }
      return prepared;
    },
    close(): void {
      statements.clear();
      if (db.open) db.close();
    },
  };
}

// SQLite says only "unable to open database file" when the folder is read-only or not ours (WAL
// makes files beside the database): that, not a damaged database, is then what to say.
function unwritableFolder(stateDir: string): EnvironmentError | undefined {
  try {
    fs.accessSync(stateDir, fs.constants.W_OK);
    return undefined;
  } catch (error) {
    return classifyFault(error, { writing: stateDir });
  }
}

// No room for the files WAL makes beside the database (no free inode, say): SQLite says only
// "unable to open database file".
function fullFolder(dbPath: string, error: unknown): EnvironmentError | undefined {
  if (findFullFileSystem(dbPath) === undefined) return undefined;
  return diskFull(dbPath, (error as Error).message, error);
}

// better-sqlite3 loads its compiled part when the first database opens: an install with
// --ignore-scripts, or one made for another Node, has none that loads.
function nativeModuleFault(error: unknown): EnvironmentError | undefined {
  const message = error instanceof Error ? error.message : String(error);
  if (!/Could not locate the bindings file|NODE_MODULE_VERSION|invalid ELF header|wrong ELF class|better_sqlite3\.node/.test(message)) return undefined;
  const packageDir = path.dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json'));
  const project = path.dirname(path.dirname(packageDir));
  return new EnvironmentError(
    `sluice could not load better-sqlite3's native module (${message.split('\n')[0]?.replace(/\.?\s*Tried:.*$/, '')}): ` +
      `it was not built for this Node (${process.version}), e.g. after an install with --ignore-scripts. ` +
      `Run \`npm rebuild better-sqlite3\` in ${project}, then run sluice again.`,
    packageDir,
    { cause: error },
  );
}

function migrate(db: SqliteDatabase, dbPath: string): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    applied_at INTEGER NOT NULL
  )`);
  // IMMEDIATE takes the write lock first, so two processes opening a new database at once
  // cannot both apply migration 1.
  db.transaction(() => {
    const row = db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null };
    const current = row.v ?? 0;
    if (current > SCHEMA_VERSION) {
      throw new StateError(
        `The state database ${dbPath} has schema version ${current}, newer than this sluice ` +
          `understands (${SCHEMA_VERSION}). Use the newer sluice, or delete the database.`,
        dbPath,
      );
    }
    const record = db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)');
    for (const migration of MIGRATIONS) {
      if (migration.version <= current) continue;
      db.exec(migration.sql);
      record.run(migration.version, Date.now());
    }
  }).immediate();
}
