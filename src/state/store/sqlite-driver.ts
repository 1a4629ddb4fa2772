// The subset of a SQLite binding that sluice uses, shaped like better-sqlite3's API. Two
// implementations: Node's own `node:sqlite` (no native build to install) and better-sqlite3
// (Node 20, or when SLUICE_SQLITE=better-sqlite3 asks for it).

/** Which binding a database was opened with. */
export type SqliteDriverName = 'node' | 'better-sqlite3';

export interface SqliteRunResult {
  readonly changes: number;
  readonly lastInsertRowid: number | bigint;
}

/**
 * A prepared statement. `pluck`, `raw` and `safeIntegers` set modes that stay on the statement,
 * as in better-sqlite3: `raw` gives rows as arrays, `pluck` the first column only.
 */
export interface SqliteStatement {
  run(...params: unknown[]): SqliteRunResult;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  iterate(...params: unknown[]): IterableIterator<unknown>;
  pluck(toggle?: boolean): this;
  raw(toggle?: boolean): this;
  safeIntegers(toggle?: boolean): this;
}

/** `fn` in one transaction; `.immediate()` takes the write lock first. Nested calls use savepoints. */
export interface SqliteTransaction<F extends (...args: never[]) => unknown> {
  (...args: Parameters<F>): ReturnType<F>;
  deferred(...args: Parameters<F>): ReturnType<F>;
  immediate(...args: Parameters<F>): ReturnType<F>;
  exclusive(...args: Parameters<F>): ReturnType<F>;
}

export interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  exec(sql: string): unknown;
  transaction<F extends (...args: never[]) => unknown>(fn: F): SqliteTransaction<F>;
  /** `PRAGMA <source>`: all rows, or with `simple` the first column of the first row. */
  pragma(source: string, options?: { simple?: boolean }): unknown;
  readonly open: boolean;
  close(): unknown;
}

export interface OpenSqliteOptions {
  readonly readonly?: boolean;
}
