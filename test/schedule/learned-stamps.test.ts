// The full check's learned stamps (state/freshness/task-stamps.ts, schedule/judge-tasks.ts): a
// full check that finds a task up to date stores its files' stamps and its definition, and the
// next full check confirms the task by them, without the hash cache or a signature. Each test
// lets a full check learn the stamps, makes one kind of change, deletes the no-op snapshot (so
// that the full check runs) and checks that exactly the tasks the change concerns run again:
// real files, the real CLI, the real SQLite state.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { openSqlite } from '../../src/state/store/open-sqlite.ts';
import { SCHEMA_VERSION } from '../../src/state/store/schema.ts';
import { makeTempDir, runSluice, takeRanLog } from '../helpers/run-sluice.ts';

const PIPELINE = `
import { pipeline, step, sh } from 'sluice';

export default pipeline({
  params: { label: 'one' },
  steps: (p) => ({
    copy: step({
      in: 'data/{n}.txt',
      out: 'mid/{n}.txt',
      env: ['SLUICE_TEST_LABEL'],
      run: sh('echo "copy {n}" >> ran.log; cp {in} {out}'),
    }),
    tag: step({
      in: 'mid/{n}.txt',
      out: 'out/{n}.txt',
      run: sh(\`echo "tag {n}" >> ran.log; cat {in} > {out}; echo \${p.label} >> {out}\`),
    }),
  }),
});
`;

const HOUR_AGO = new Date(Date.now() - 3_600_000);

/** Makes `file` an hour old: past the hash cache's racy margin, as a user's data is. */
function age(file: string): void {
  fs.utimesSync(file, HOUR_AGO, HOUR_AGO);
}

function project(): string {
  const dir = makeTempDir('sluice-stamps-');
  fs.mkdirSync(path.join(dir, 'data'));
  for (const n of ['a', 'b']) {
    fs.writeFileSync(path.join(dir, 'data', `${n}.txt`), `${n}\n`);
    age(path.join(dir, 'data', `${n}.txt`));
  }
  age(path.join(dir, 'data'));
  fs.writeFileSync(path.join(dir, 'pipeline.ts'), PIPELINE);
  return dir;
}

function query<T>(dir: string, sql: string): T[] {
  const db = openSqlite(path.join(dir, '.sluice', 'state.db'), { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

const learnedCount = (dir: string): number => query<{ n: number }>(dir, 'SELECT count(stamps) AS n FROM task_successes')[0]?.n ?? 0;

/** A full check: the snapshot deleted first. Returns the tasks that ran. */
async function fullCheck(dir: string, args: readonly string[] = [], env: Record<string, string> = {}): Promise<string[]> {
  fs.rmSync(path.join(dir, '.sluice', 'up-to-date'), { recursive: true, force: true });
  const result = await runSluice(['run', ...args], { cwd: dir, env });
  assert.equal(result.code, 0, result.stderr);
  return takeRanLog(dir);
}

/**
 * Builds, waits until what the build wrote is older than the hash cache's racy margin (2 s: only
 * then can a hash of it be trusted), and lets a full check learn every task's stamps.
 */
async function learned(env: Record<string, string> = {}): Promise<string> {
  const dir = project();
  assert.deepEqual(await fullCheck(dir, [], env), ['copy a', 'copy b', 'tag a', 'tag b']);
  await new Promise((resolve) => setTimeout(resolve, 2_500));
  assert.deepEqual(await fullCheck(dir, [], env), []);
  assert.equal(learnedCount(dir), 4, 'every task learned its stamps');
  assert.deepEqual(await fullCheck(dir, [], env), []);
  return dir;
}

/** Rewrites `file` with `content`, keeping its inode, and sets its old mtime back to the nanosecond. */
function rewriteKeepingMtime(file: string, content: string): void {
  const before = fs.statSync(file, { bigint: true });
  fs.writeFileSync(file, content);
  setMtimeNs(file, before.mtimeNs);
  const after = fs.statSync(file, { bigint: true });
  assert.equal(after.mtimeNs, before.mtimeNs, 'touch -d set the old mtime back');
  assert.equal(after.size, before.size);
  assert.equal(after.ino, before.ino);
}

function setMtimeNs(file: string, mtimeNs: bigint): void {
  const seconds = mtimeNs / 1_000_000_000n;
  const nanos = (mtimeNs % 1_000_000_000n).toString().padStart(9, '0');
  execFileSync('touch', ['-m', '-d', `@${seconds}.${nanos}`, file]);
}

describe('the full check with learned stamps', () => {
  it('confirms up-to-date tasks by their stamps, not by the hash cache', async () => {
    const dir = await learned();
    // Hashes that would make every task look changed: a check through the hash cache would run
    // them all; the stamps vouch for the inputs without it.
    const db = openSqlite(path.join(dir, '.sluice', 'state.db'));
    db.prepare(`UPDATE file_hashes SET hash = 'not the content'`).run();
    db.close();
    assert.deepEqual(await fullCheck(dir), []);
  });

  it('notices an input rewritten with the same size, its old mtime set back (touch -d)', async () => {
    const dir = await learned();
    rewriteKeepingMtime(path.join(dir, 'data', 'a.txt'), 'A\n');
    assert.deepEqual(await fullCheck(dir), ['copy a', 'tag a']);
    assert.equal(fs.readFileSync(path.join(dir, 'out', 'a.txt'), 'utf8'), 'A\none\n');
  });

  it('notices an input replaced by a rename of a file of the same size and mtime', async () => {
    const dir = await learned();
    const input = path.join(dir, 'data', 'b.txt');
    const replacement = path.join(dir, 'b.new');
    fs.writeFileSync(replacement, 'B\n');
    setMtimeNs(replacement, fs.statSync(input, { bigint: true }).mtimeNs);
    fs.renameSync(replacement, input);
    assert.deepEqual(await fullCheck(dir), ['copy b', 'tag b']);
  });

  it('notices an output deleted, and an output changed', async () => {
    const dir = await learned();
    fs.rmSync(path.join(dir, 'out', 'a.txt'));
    fs.appendFileSync(path.join(dir, 'mid', 'b.txt'), 'more\n');
    // copy b writes mid/b.txt as it was before: tag b, judged by content, stays up to date.
    assert.deepEqual(await fullCheck(dir), ['copy b', 'tag a']);
    fs.appendFileSync(path.join(dir, 'out', 'b.txt'), 'more\n');
    assert.deepEqual(await fullCheck(dir), ['tag b']);
  });

  it('notices a changed command, parameter and declared environment variable', async () => {
    const dir = await learned();
    assert.deepEqual(await fullCheck(dir, ['--param', 'label=two']), ['tag a', 'tag b'], 'a parameter the command uses');
    assert.equal(fs.readFileSync(path.join(dir, 'out', 'a.txt'), 'utf8'), 'a\ntwo\n');
    assert.deepEqual(await fullCheck(dir, ['--param', 'label=two'], { SLUICE_TEST_LABEL: 'x' }), ['copy a', 'copy b'], 'an environment variable the step declares');
    fs.writeFileSync(path.join(dir, 'pipeline.ts'), PIPELINE.replace('cat {in} > {out}', 'cat {in} {in} > {out}'));
    assert.deepEqual(await fullCheck(dir, ['--param', 'label=two'], { SLUICE_TEST_LABEL: 'x' }), ['tag a', 'tag b'], 'the command');
  });

  it('notices a parameter changed in a --config file', async () => {
    const dir = await learned();
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ label: 'three' }));
    assert.deepEqual(await fullCheck(dir, ['--config', 'config.json']), ['tag a', 'tag b']);
    assert.equal(fs.readFileSync(path.join(dir, 'out', 'b.txt'), 'utf8'), 'b\nthree\n');
  });

  it('runs a task again when its upstream ran and changed its input, not when it wrote the same content', async () => {
    const dir = await learned();
    assert.deepEqual(await fullCheck(dir, ['--force', 'copy']), ['copy a', 'copy b'], 'the same content: tag stays up to date');
    assert.deepEqual(await fullCheck(dir), []);
    fs.writeFileSync(path.join(dir, 'data', 'a.txt'), 'a changed\n');
    assert.deepEqual(await fullCheck(dir), ['copy a', 'tag a']);
  });

  it('runs forced tasks', async () => {
    const dir = await learned();
    assert.deepEqual(await fullCheck(dir, ['--force', 'tag']), ['tag a', 'tag b']);
  });

  it('works on a state of the schema before (no ctime, no stamps): nothing runs again, the stamps are learned', async () => {
    const dir = await learned();
    // The state as version 7 left it.
    const db = openSqlite(path.join(dir, '.sluice', 'state.db'));
    db.exec(`
      DROP INDEX task_successes_learned;
      ALTER TABLE task_successes DROP COLUMN stamps;
      ALTER TABLE task_successes DROP COLUMN definition;
      ALTER TABLE file_hashes DROP COLUMN ctime_ns;
      DELETE FROM schema_migrations WHERE version >= 8;
    `);
    db.close();
    assert.deepEqual(await fullCheck(dir), [], 'hashed once more, found unchanged');
    assert.deepEqual(
      query<{ v: number }>(dir, 'SELECT max(version) AS v FROM schema_migrations').map((row) => row.v),
      [SCHEMA_VERSION],
    );
    assert.deepEqual(await fullCheck(dir), []);
    assert.equal(learnedCount(dir), 4);
    rewriteKeepingMtime(path.join(dir, 'data', 'b.txt'), 'B\n');
    assert.deepEqual(await fullCheck(dir), ['copy b', 'tag b']);
  });

  it('works on a state of version 8 (no index of the learned stamps): the index is made, the stamps learned before still vouch', async () => {
    const dir = await learned();
    const db = openSqlite(path.join(dir, '.sluice', 'state.db'));
    // The state as version 8 left it, and an empty hash cache: a task signed would fill it.
    db.exec(`
      DROP INDEX task_successes_learned;
      DELETE FROM schema_migrations WHERE version = 9;
      DELETE FROM file_hashes;
    `);
    db.close();
    const indexes = (): string[] =>
      query<{ name: string }>(dir, `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'task_successes'`).map((row) => row.name);
    assert.deepEqual(indexes(), []);
    assert.deepEqual(await fullCheck(dir), []);
    assert.equal(query<{ n: number }>(dir, 'SELECT count(*) AS n FROM file_hashes')[0]?.n, 0, 'the learned stamps vouched for every task: nothing was hashed');
    assert.deepEqual(indexes(), ['task_successes_learned']);
    assert.deepEqual(query<{ v: number }>(dir, 'SELECT max(version) AS v FROM schema_migrations').map((row) => row.v), [9]);
    assert.equal(learnedCount(dir), 4);
    const noOp = await runSluice(['run'], { cwd: dir });
    assert.equal(noOp.code, 0, noOp.stderr);
    assert.deepEqual(takeRanLog(dir), [], 'the run after the upgrade is a no-op');
    rewriteKeepingMtime(path.join(dir, 'data', 'a.txt'), 'A\n');
    assert.deepEqual(await fullCheck(dir), ['copy a', 'tag a']);
  });
});
