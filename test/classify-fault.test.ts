import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { classifyFault, damagedDatabase } from '../src/classify-fault.ts';
import { EnvironmentError, PlanError } from '../src/errors.ts';
import { makeTempDir } from './helpers/run-sluice.ts';

function errno(code: string, message: string, file?: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code, ...(file === undefined ? {} : { path: file }) });
}

test('a full disk names the file from the error, or the one being written when the error has none', () => {
  const withPath = classifyFault(errno('ENOSPC', "ENOSPC: no space left on device, mkdir '/data/out'", '/data/out'));
  assert.ok(withPath instanceof EnvironmentError);
  assert.equal(withPath.path, '/data/out');
  assert.equal(withPath.exitStatus, 3);
  assert.match(withPath.message, /^The disk is full: sluice could not write \/data\/out \(ENOSPC: no space left on device, mkdir/);
  const without = classifyFault(errno('ENOSPC', 'ENOSPC: no space left on device, write'), { writing: '/data/.sluice/lock', dbPath: '/db' });
  assert.equal(without?.path, '/data/.sluice/lock');
  const quota = classifyFault(errno('EDQUOT', 'EDQUOT: disk quota exceeded, write'), { writing: '/home/x/out' });
  assert.match(quota?.message ?? '', /^The disk is full/);
});

// Before, EMFILE reached the command line as "This is a bug in sluice" (exit 70), or failed each
// task with "sluice could not run the task"; `ulimit -n 40` then `sluice run` showed it.
test('too many open files is the limit of the process, or of the system, and says what to do', () => {
  const mine = classifyFault(errno('EMFILE', "EMFILE: too many open files, open '/data/in/7.txt'", '/data/in/7.txt'));
  assert.ok(mine instanceof EnvironmentError);
  assert.equal(mine.exitStatus, 3);
  assert.equal(mine.path, '/data/in/7.txt');
  assert.match(mine.message, /^Too many open files: sluice could not open \/data\/in\/7\.txt \(EMFILE: too many open files, open/);
  assert.match(mine.message, /`ulimit -n`.*`-j`/);
  const system = classifyFault(errno('ENFILE', 'ENFILE: file table overflow, open'), { writing: '/data/out/7.txt' });
  assert.equal(system?.path, '/data/out/7.txt');
  assert.match(system?.message ?? '', /the system reached its limit on open files/);
});

test("SQLite's errors are the state database's", () => {
  const root = makeTempDir();
  const file = path.join(root, 'state.db');
  fs.writeFileSync(file, 'not a database at all '.repeat(300));
  let raw: unknown;
  try {
    new Database(file).prepare('SELECT 1 FROM sqlite_master').get();
  } catch (error) {
    raw = error;
  }
  const fault = classifyFault(raw, { dbPath: file, writing: '/elsewhere' });
  assert.ok(fault instanceof EnvironmentError, String(raw));
  assert.equal(fault.path, file);
  assert.match(fault.message, /is damaged \(file is not a database\)/);
  assert.ok(fault.message.includes(`rm ${file}*`));
});

test('a path with spaces is quoted in the command to paste', () => {
  assert.ok(damagedDatabase("/my data/it's/state.db", new Error('x')).message.includes(`rm '/my data/it'\\''s/state.db'*`));
});

test('other errors are not environment faults; sluice errors pass through unchanged', () => {
  assert.equal(classifyFault(new TypeError('x is undefined')), undefined);
  assert.equal(classifyFault(errno('ENOENT', 'ENOENT: no such file', '/x')), undefined);
  assert.equal(classifyFault('a string'), undefined);
  assert.equal(classifyFault(new PlanError('bad pipeline')), undefined);
  const known = new EnvironmentError('known', '/p');
  assert.equal(classifyFault(known), known);
});
