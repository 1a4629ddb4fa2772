// The journal writes each event once, and a succeeded attempt's row twice: with its success (so a
// killed run never leaves a success without its attempt), then as the attempt ended, with its
// command, log and usage. Counted by triggers in the real state database, around the real CLI:
// the replaced row leaves one row either way, so the rows alone could not tell.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { openStore } from '../../src/state/store/open-store.ts';
import { makeTempDir, runSluice } from '../helpers/run-sluice.ts';

const PIPELINE = `
import fs from 'node:fs';
import { pipeline, step, cmd, sh } from 'sluice';

export default pipeline({
  copy: step({ in: 'data/{n}.txt', out: 'copied/{n}.txt', run: cmd('cp', '{in}', '{out}') }),
  upper: step({
    in: 'copied/{n}.txt',
    out: 'upper/{n}.txt',
    run: ({ input, output }) => fs.writeFileSync(output, fs.readFileSync(input, 'utf8').toUpperCase()),
  }),
  flaky: step({
    in: 'data/{n}.txt',
    out: 'flaky/{n}.txt',
    retries: 1,
    run: sh('mkdir -p tried; if [ -e tried/{n} ]; then cp {in} {out}; else touch tried/{n}; exit 3; fi'),
  }),
  broken: step({ in: 'data/{n}.txt', out: 'broken/{n}.txt', run: sh('exit 4') }),
});
`;

const TABLES = ['task_attempts', 'task_successes'];

// Every row written to the journal's tables, as one row of `writes` per insert, update or delete.
function countWrites(root: string): void {
  const store = openStore(root);
  try {
    store.db.exec('CREATE TABLE writes (tbl TEXT NOT NULL, op TEXT NOT NULL, row TEXT NOT NULL)');
    for (const table of TABLES) {
      const row = table === 'task_attempts' ? "NEW.task_key || '#' || NEW.attempt" : 'NEW.task_key';
      const old = table === 'task_attempts' ? "OLD.task_key || '#' || OLD.attempt" : 'OLD.task_key';
      store.db.exec(`
        CREATE TRIGGER ${table}_insert AFTER INSERT ON ${table} BEGIN INSERT INTO writes VALUES ('${table}', 'insert', ${row}); END;
        CREATE TRIGGER ${table}_update AFTER UPDATE ON ${table} BEGIN INSERT INTO writes VALUES ('${table}', 'update', ${row}); END;
        CREATE TRIGGER ${table}_delete AFTER DELETE ON ${table} BEGIN INSERT INTO writes VALUES ('${table}', 'delete', ${old}); END;
      `);
    }
  } finally {
    store.close();
  }
}

interface Write {
  readonly tbl: string;
  readonly op: string;
  readonly row: string;
  readonly n: number;
}

function readWrites(store: ReturnType<typeof openStore>): Write[] {
  return store.db.prepare('SELECT tbl, op, row, count(*) AS n FROM writes GROUP BY tbl, op, row').all() as Write[];
}

// Whether a write is of a succeeded attempt's row.
function succeeded(store: ReturnType<typeof openStore>, write: Write): boolean {
  if (write.tbl !== 'task_attempts') return false;
  const state = store.db.prepare("SELECT state FROM task_attempts WHERE task_key || '#' || attempt = ?").pluck().get(write.row);
  return state === 'succeeded';
}

test('a succeeded attempt is written twice as an attempt row (with its success, then as it ended) and once as a success row; every other attempt once', async () => {
  const root = makeTempDir('sluice-journal-');
  fs.mkdirSync(path.join(root, 'data'));
  for (const n of ['a', 'b', 'c']) fs.writeFileSync(path.join(root, 'data', `${n}.txt`), `${n}\n`);
  fs.writeFileSync(path.join(root, 'pipeline.ts'), PIPELINE);
  countWrites(root);

  const result = await runSluice(['run', '-k', '-j', '2'], { cwd: root });
  assert.equal(result.code, 1, result.stderr);

  const store = openStore(root);
  try {
    const writes = readWrites(store);
    assert.deepEqual(
      writes.filter((write) => write.op !== 'insert' || write.n !== (succeeded(store, write) ? 2 : 1)),
      [],
      'each row is inserted once (a succeeded attempt twice), and never updated or deleted',
    );
    const attempts = store.db.prepare('SELECT step, attempt, state FROM task_attempts ORDER BY step, task_id, attempt').all() as Array<{
      step: string;
      attempt: number;
      state: string;
    }>;
    const byStep = (step: string): string[] => attempts.filter((a) => a.step === step).map((a) => `${a.attempt} ${a.state}`);
    assert.deepEqual(byStep('copy'), Array(3).fill('1 succeeded'));
    assert.deepEqual(byStep('upper'), Array(3).fill('1 succeeded'));
    assert.deepEqual(byStep('flaky'), Array(3).fill(['1 failed', '2 succeeded']).flat());
    assert.deepEqual(byStep('broken'), Array(3).fill('1 failed'));
    const inserts = (table: string): number => writes.filter((write) => write.tbl === table).length;
    assert.equal(inserts('task_attempts'), attempts.length, 'one row counted per attempt');
    assert.equal(inserts('task_successes'), 9, 'copy, upper and flaky: three successes each');
    assert.equal(store.db.prepare('SELECT count(*) FROM task_successes').pluck().get(), 9);
  } finally {
    store.close();
  }
});

test('sluice map writes each success once and each attempt as a run does', async () => {
  const root = makeTempDir('sluice-journal-map-');
  fs.mkdirSync(path.join(root, 'data'));
  for (const n of ['a', 'b', 'c', 'd']) fs.writeFileSync(path.join(root, 'data', `${n}.txt`), `${n}\n`);
  countWrites(root);
  const result = await runSluice(['map', '-j', '2', '--in', 'data/*.txt', '--out', 'out/{stem}.txt', '--', 'cp', '{in}', '{out}'], { cwd: root });
  assert.equal(result.code, 0, result.stderr);
  const store = openStore(root);
  try {
    const writes = readWrites(store);
    assert.deepEqual(writes.filter((write) => write.op !== 'insert' || write.n !== (succeeded(store, write) ? 2 : 1)), []);
    assert.deepEqual(
      ['task_attempts', 'task_successes'].map((table) => writes.filter((write) => write.tbl === table).length),
      [4, 4],
    );
  } finally {
    store.close();
  }
});
