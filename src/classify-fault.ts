// Which raw errors are faults of the machine rather than of sluice or the pipeline, and the one
// paragraph that says so: the path, the cause, what to do. Used wherever sluice writes (the
// bundle cache, the lock, the state database, logs and outputs) and, last, by the command line.

import fs from 'node:fs';
import path from 'node:path';
import { EnvironmentError } from './errors.ts';
import { findFullFileSystem, sayFull } from './kernel/full-file-system.ts';

/** Where the fault happened, when the raw error does not say (a `write(2)` has no path). */
export interface FaultPlace {
  /** The state database: SQLite's errors name no file. */
  readonly dbPath?: string | undefined;
  /** The file or folder being written. */
  readonly writing?: string | undefined;
}

const DISK_FULL = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL']);
const SQLITE_DAMAGED = /^SQLITE_(CORRUPT|NOTADB)/;

// node:sqlite (Node 22.13+) reports SQLite's result code as a number (`errcode`) under one code,
// ERR_SQLITE_ERROR; better-sqlite3 names it (`SQLITE_FULL`). The names, as better-sqlite3 gives them.
const SQLITE_PRIMARY: Readonly<Record<number, string>> = {
  3: 'SQLITE_PERM', 5: 'SQLITE_BUSY', 6: 'SQLITE_LOCKED', 8: 'SQLITE_READONLY', 10: 'SQLITE_IOERR', 11: 'SQLITE_CORRUPT', 13: 'SQLITE_FULL', 26: 'SQLITE_NOTADB',
};
const SQLITE_EXTENDED: Readonly<Record<number, string>> = { 778: 'SQLITE_IOERR_WRITE', 1032: 'SQLITE_READONLY_DBMOVED' };

function errorCodeOf(error: Error): string {
  const { code, errcode } = error as { code?: unknown; errcode?: unknown };
  if (code === 'ERR_SQLITE_ERROR' && typeof errcode === 'number') {
    return SQLITE_EXTENDED[errcode] ?? SQLITE_PRIMARY[errcode & 0xff] ?? `SQLITE_ERROR_${errcode}`;
  }
  return String(code ?? '');
}

/** The environment fault `error` is, or undefined when it is something else. */
export function classifyFault(error: unknown, place: FaultPlace = {}): EnvironmentError | undefined {
  if (error instanceof EnvironmentError) return error;
  if (!(error instanceof Error)) return undefined;
  const code = errorCodeOf(error);
  const sqlite = error.name === 'SqliteError' || code.startsWith('SQLITE_');
  const errnoPath = (error as NodeJS.ErrnoException).path;
  // SQLite's errors are the database's; another error without a path is not (a log, an output).
  const where = (sqlite ? place.dbPath : errnoPath ?? place.writing) ?? 'a file (the error does not say which)';
  const cause = error.message.startsWith(code) ? error.message : `${code}: ${error.message}`;
  if (DISK_FULL.has(code) || code === 'SQLITE_IOERR_WRITE' && /disk|full/i.test(error.message)) return diskFull(where, cause, error);
  if (sqlite && SQLITE_DAMAGED.test(code)) return damagedDatabase(where, error);
  // sluice's own lock keeps a second sluice out: what holds the database is another program.
  if (sqlite && /^SQLITE_(BUSY|LOCKED)/.test(code)) {
    return new EnvironmentError(
      `The state database ${where} is locked by another program (${cause}): an \`sqlite3\` shell with a transaction open, ` +
        'a backup, or a sluice on another machine sharing this folder. End it, then run again: nothing half-written was kept, ' +
        'and the tasks that did not finish run again. The database is not damaged: do not delete it.',
      where,
      { cause: error },
    );
  }
  if (code === 'SQLITE_READONLY_DBMOVED') {
    return new EnvironmentError(
      `The state database ${where} was moved or removed while sluice ran (${cause}). Run again: sluice starts a new one, ` +
        'and with its state gone runs every task again.',
      where,
      { cause: error },
    );
  }
  if (code === 'EROFS' || code === 'SQLITE_READONLY' || code.startsWith('SQLITE_READONLY_')) {
    return new EnvironmentError(
      `sluice cannot write ${where}: ${code === 'EROFS' ? 'the file system is' : 'it or its folder is'} read-only (${cause}). ` +
        'Make it writable, or run sluice where it may write.',
      where,
      { cause: error },
    );
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'SQLITE_PERM') {
    if (!sqlite && errnoPath !== undefined && mayNotRead(errnoPath)) {
      return new EnvironmentError(
        `sluice may not read ${where}: permission denied (${cause}). Give the user running sluice read access to it ` +
          '(sluice lists the folders its patterns name, and reads each input to know whether its tasks are up to date), then run again.',
        where,
        { cause: error },
      );
    }
    return new EnvironmentError(
      `sluice may not write ${where}: permission denied (${cause}). Give the user running sluice write access to it, then run again.`,
      where,
      { cause: error },
    );
  }
  if (code === 'ENOTDIR' || (code === 'EEXIST' && (error as NodeJS.ErrnoException).syscall === 'mkdir')) {
    const file = findFileInTheWay(where);
    return new EnvironmentError(
      `sluice needs ${file} to be a folder, but it is a file (${cause}). Move the file away, then run again.`,
      file,
      { cause: error },
    );
  }
  if (code === 'ENOENT' && (error as NodeJS.ErrnoException).syscall === 'uv_cwd') {
    // Named by its code alone: Node's words for it differ between versions (Node 24 adds its own sentence).
    return new EnvironmentError(
      `The current directory no longer exists (${code}): it was removed after the shell entered it. ` +
        '`cd` to a folder that exists (or give `-C DIR`), then run again.',
      '.',
      { cause: error },
    );
  }
  if (code === 'EMFILE' || code === 'ENFILE') return tooManyOpenFiles(code, where, cause, error);
  // SQLite says only "disk I/O error" when its shared-memory file cannot grow on a full disk.
  if (code.startsWith('SQLITE_IOERR') && findFullFileSystem(where) !== undefined) return diskFull(where, cause, error);
  if (code === 'EIO' || code.startsWith('SQLITE_IOERR')) {
    return new EnvironmentError(
      `The disk failed to read or write ${where} (${cause}). Check the disk (dmesg may say more), then run again.`,
      where,
      { cause: error },
    );
  }
  return undefined;
}

// EMFILE: this process reached its limit (`ulimit -n`); ENFILE: the whole system did.
function tooManyOpenFiles(code: string, where: string, cause: string, error: Error): EnvironmentError {
  const which = code === 'EMFILE'
    ? 'this process reached its limit on open files (`ulimit -n`): raise it (`ulimit -n 4096` in the shell that starts sluice) or run fewer tasks at once (`-j`)'
    : 'the system reached its limit on open files (fs.file-max): close other programs, or raise it';
  return new EnvironmentError(
    `Too many open files: sluice could not open ${where} (${cause}): ${which}, then run again. ` +
      'Nothing half-written was kept, and the tasks that did not finish run again.',
    where,
    { cause: error },
  );
}

/** The disk of `where` is full: of space, or of inodes (no new file can be made there). */
export function diskFull(where: string, cause: string, error: unknown): EnvironmentError {
  const inodes = findFullFileSystem(where) === 'inodes' ? `: its file system had ${sayFull('inodes')}` : '';
  return new EnvironmentError(
    `The disk is full: sluice could not write ${where} (${cause})${inodes}. Free some space on that ` +
      'file system and run again: nothing half-written was kept, and the tasks that did not finish run again.',
    where,
    { cause: error },
  );
}

/** The state database at `dbPath` cannot be read as one. */
export function damagedDatabase(dbPath: string, cause: unknown): EnvironmentError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new EnvironmentError(
    `The state database ${dbPath} is damaged (${reason}). Delete it with the files beside it ` +
      `(\`rm ${shellWord(dbPath)}*\`), or move them aside, then run again: sluice starts a new one. Losing it only means ` +
      'that every task runs once more; no output is touched.',
    dbPath,
    { cause },
  );
}

// A path as one word of a POSIX shell command, for messages the user may paste.
function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, "'\\''")}'`;
}

// The nearest of `file` and its parent folders that exists and is not a folder.
function findFileInTheWay(file: string): string {
  for (let at = file; path.dirname(at) !== at; at = path.dirname(at)) {
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(at);
    } catch {
      continue; // missing, or below the file in the way
    }
    if (!stat.isDirectory()) return at;
  }
  return file;
}

// An existing file or folder the user may not read (an input hashed, a folder listed, chmod 000):
// reading, not writing, failed.
function mayNotRead(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.R_OK | (fs.statSync(file).isDirectory() ? fs.constants.X_OK : 0));
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EACCES';
  }
}
