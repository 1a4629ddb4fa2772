// node:sqlite (DatabaseSync) behind the better-sqlite3-shaped SqliteDatabase: statement modes
// (raw, pluck, safeIntegers), a transaction helper with savepoints for nesting, and pragma().

import type {
  OpenSqliteOptions,
  SqliteDatabase,
  SqliteRunResult,
  SqliteStatement,
  SqliteTransaction,
} from './sqlite-driver.ts';

// The part of node:sqlite used here, declared locally: @types/node 20 has no node:sqlite.
interface StatementSync {
  run(...params: never[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  get(...params: never[]): unknown;
  all(...params: never[]): unknown[];
  iterate(...params: never[]): IterableIterator<unknown>;
  setReadBigInts(enabled: boolean): void;
  /** Node 22.16+ and 24 only. */
  setReturnArrays?(enabled: boolean): void;
}

interface DatabaseSync {
  prepare(sql: string): StatementSync;
  exec(sql: string): void;
  close(): void;
}

export interface NodeSqlite {
  DatabaseSync: new (file: string, options?: { readOnly?: boolean }) => DatabaseSync;
}

/** Opens `file` with node:sqlite, loaded by the caller (`loadNodeSqlite`). */
export function openNodeSqlite(sqlite: NodeSqlite, file: string, options: OpenSqliteOptions = {}): SqliteDatabase {
  const db = new sqlite.DatabaseSync(file, { readOnly: options.readonly === true });
  return wrapDatabase(db);
}

function wrapDatabase(db: DatabaseSync): SqliteDatabase {
  let open = true;
  let depth = 0;
  let savepoints = 0;
  const prepare = (sql: string): SqliteStatement => wrapStatement(db.prepare(sql));
  const begin = (mode: string, fn: (...args: never[]) => unknown, args: never[]): unknown => {
    if (depth > 0) {
      const name = `sluice_${++savepoints}`;
      db.exec(`SAVEPOINT ${name}`);
      depth += 1;
      try {
        const result = fn(...args);
        db.exec(`RELEASE ${name}`);
        return result;
      } catch (error) {
        db.exec(`ROLLBACK TO ${name}`);
        db.exec(`RELEASE ${name}`);
        throw error;
      } finally {
        depth -= 1;
      }
    }
    db.exec(`BEGIN ${mode}`);
    depth = 1;
    try {
      const result = fn(...args);
      db.exec('COMMIT');
      return result;
    } catch (error) {
      try {
        db.exec('ROLLBACK');
      } catch {
        // SQLite already rolled back (a full disk, an interrupt): `error` is the one to report.
      }
      throw error;
    } finally {
      depth = 0;
    }
  };
  return {
    prepare,
    exec(sql: string): void {
      db.exec(sql);
    },
    transaction<F extends (...args: never[]) => unknown>(fn: F): SqliteTransaction<F> {
      const run = (mode: string) => (...args: Parameters<F>): ReturnType<F> => begin(mode, fn, args) as ReturnType<F>;
      return Object.assign(run('DEFERRED'), {
        deferred: run('DEFERRED'),
        immediate: run('IMMEDIATE'),
        exclusive: run('EXCLUSIVE'),
      });
    },
    pragma(source: string, options: { simple?: boolean } = {}): unknown {
      const statement = prepare(`PRAGMA ${source}`);
      return options.simple === true ? statement.pluck().get() : statement.all();
    },
    get open(): boolean {
      return open;
    },
    close(): void {
      if (!open) return;
      db.close();
      open = false;
    },
  };
}

function wrapStatement(statement: StatementSync): SqliteStatement {
  let raw = false;
  let pluck = false;
  const returnArrays = statement.setReturnArrays !== undefined;
  const shape = (row: unknown): unknown => {
    if (row === undefined) return undefined;
    if (pluck) return returnArrays ? (row as unknown[])[0] : Object.values(row as object)[0];
    if (raw) return returnArrays ? row : Object.values(row as object);
    return { ...(row as object) };
  };
  const setArrays = (): void => {
    statement.setReturnArrays?.(raw || pluck);
  };
  const call = (params: unknown[]): never[] => params as never[];
  const wrapped: SqliteStatement = {
    run(...params: unknown[]): SqliteRunResult {
      const result = statement.run(...call(params));
      return { changes: Number(result.changes), lastInsertRowid: result.lastInsertRowid };
    },
    get(...params: unknown[]): unknown {
      return shape(statement.get(...call(params)));
    },
    all(...params: unknown[]): unknown[] {
      return statement.all(...call(params)).map(shape);
    },
    *iterate(...params: unknown[]): IterableIterator<unknown> {
      for (const row of statement.iterate(...call(params))) yield shape(row);
    },
    pluck(toggle = true): typeof wrapped {
      pluck = toggle;
      if (toggle) raw = false;
      setArrays();
      return wrapped;
    },
    raw(toggle = true): typeof wrapped {
      raw = toggle;
      if (toggle) pluck = false;
      setArrays();
      return wrapped;
    },
    safeIntegers(toggle = true): typeof wrapped {
      statement.setReadBigInts(toggle);
      return wrapped;
    },
  };
  return wrapped;
}
