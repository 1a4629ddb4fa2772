// Opens a SQLite database with node:sqlite where the running Node has it stable enough (22.13+),
// else with better-sqlite3, an optional dependency: on Node 22.13+ installing sluice needs no
// compiler. SLUICE_SQLITE=node|better-sqlite3 forces one (the tests run the state layer on both).

import { createRequire } from 'node:module';
import { openNodeSqlite, type NodeSqlite } from './open-node-sqlite.ts';
import type { OpenSqliteOptions, SqliteDatabase, SqliteDriverName } from './sqlite-driver.ts';
import { StateError } from './state-errors.ts';

type BetterSqlite3 = new (file: string, options?: { readonly?: boolean }) => SqliteDatabase;

const DRIVERS: readonly SqliteDriverName[] = ['node', 'better-sqlite3'];

/** The driver `openSqlite` uses in this process: SLUICE_SQLITE if set, else node:sqlite where stable. */
export function chooseSqliteDriver(env: NodeJS.ProcessEnv = process.env, version = process.versions.node): SqliteDriverName {
  const forced = env.SLUICE_SQLITE;
  if (forced !== undefined && forced !== '') {
    if (!(DRIVERS as readonly string[]).includes(forced)) {
      throw new StateError(`Expected \`SLUICE_SQLITE\` to be \`node\` or \`better-sqlite3\`, got \`${forced}\``, 'SLUICE_SQLITE');
    }
    if (forced === 'better-sqlite3' && abortsBetterSqlite3(version)) {
      throw new StateError(
        `SLUICE_SQLITE=better-sqlite3 is refused on Node ${version}: from Node 24.19 on, the better-sqlite3 12 that sluice ` +
          'uses for Node 20 aborts the process when the garbage collector frees one of its statements, mid-run ' +
          '(nodejs/node#65446, WiseLibs/better-sqlite3#1515). This Node has node:sqlite: unset SLUICE_SQLITE.',
        'SLUICE_SQLITE',
      );
    }
    return forced as SqliteDriverName;
  }
  return hasStableNodeSqlite(version) ? 'node' : 'better-sqlite3';
}

// Node 24.19 gave node::ObjectWrap an environment cleanup hook whose removal CHECKs for an entered
// context: better-sqlite3 12's Statement destructor, run by a GC outside any, then aborts (SIGABRT,
// exit 134: a run killed between any two steps, its lock left behind). Seen here on 24.21.
export function abortsBetterSqlite3(version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > 24 || (major === 24 && minor >= 19);
}

/** Opens (creating if needed) the SQLite database `file`. Errors of the driver are thrown as they are. */
export function openSqlite(file: string, options: OpenSqliteOptions = {}, driver = chooseSqliteDriver()): SqliteDatabase {
  if (driver === 'node') return openNodeSqlite(loadNodeSqlite(file), file, options);
  const Database = loadBetterSqlite3(file);
  return new Database(file, { readonly: options.readonly === true });
}

// node:sqlite is unflagged from 22.13 (and 23.4); older 22.x need --experimental-sqlite.
function hasStableNodeSqlite(version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > 22 || (major === 22 && minor >= 13);
}

let nodeSqlite: NodeSqlite | undefined;
function loadNodeSqlite(file: string): NodeSqlite {
  if (nodeSqlite !== undefined) return nodeSqlite;
  // Node 22 and early 24 print an ExperimentalWarning on loading node:sqlite: the user did not ask
  // for it and cannot act on it.
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]): void => {
    const text = typeof warning === 'string' ? warning : warning.message;
    if (/SQLite/i.test(text)) return;
    (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    nodeSqlite = process.getBuiltinModule('node:sqlite') as NodeSqlite | undefined;
  } finally {
    process.emitWarning = emitWarning;
  }
  if (nodeSqlite === undefined) {
    throw new StateError(
      `Expected this Node (${process.version}) to have node:sqlite, as SLUICE_SQLITE=node asks: ` +
        'use Node 22.13 or newer, or unset SLUICE_SQLITE.',
      file,
    );
  }
  return nodeSqlite;
}

let betterSqlite3: BetterSqlite3 | undefined;
function loadBetterSqlite3(file: string): BetterSqlite3 {
  if (betterSqlite3 !== undefined) return betterSqlite3;
  try {
    // Required, not imported: importing a CommonJS package from ESM makes Node scan its source
    // for export names first, which took 11-15 ms against 6 ms here (Node 20).
    betterSqlite3 = createRequire(import.meta.url)('better-sqlite3') as BetterSqlite3;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'MODULE_NOT_FOUND' || !/better-sqlite3/.test((error as Error).message)) throw error;
    const why = hasStableNodeSqlite(process.versions.node)
      ? 'SLUICE_SQLITE=better-sqlite3 asks for the package better-sqlite3'
      : `this Node (${process.version}) has no stable node:sqlite, so it needs the package better-sqlite3`;
    throw new StateError(
      `sluice keeps its state in SQLite, and ${why}, which is not installed. Install it where sluice ` +
        'is installed (`npm install better-sqlite3`), or run sluice on Node 22.13 or newer.',
      file,
      { cause: error },
    );
  }
  return betterSqlite3;
}
