import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openSqlite } from '../../src/state/store/open-sqlite.ts';
import { checkUpToDate } from '../../src/state/freshness/check-up-to-date.ts';
import { computeSignature } from '../../src/state/freshness/compute-signature.ts';
import { openStore } from '../../src/state/store/open-store.ts';
import { listRuns } from '../../src/state/journal/read-history.ts';
import { loopTask } from './fixtures/loop-task.ts';
import { makeTempDir } from './helpers.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/record-loop.ts', import.meta.url));
const ROUNDS = 5;

async function recordUntilKilled(root: string, round: number): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, root, String(round)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
  assert.equal(chunk.toString(), 'ready\n');
  await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 400));
  child.kill('SIGKILL');
  const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
  assert.equal(signal, 'SIGKILL', `the recorder ended by itself with ${code}`);
}

test('SIGKILL while recording successes leaves a sound database with only whole records', { timeout: 120_000 }, async () => {
  const root = makeTempDir();
  for (let round = 0; round < ROUNDS; round += 1) await recordUntilKilled(root, round);

  const raw = openSqlite(`${root}/.sluice/state.db`);
  assert.equal(raw.pragma('integrity_check', { simple: true }), 'ok');
  raw.close();

  const store = openStore(root);
  const successes = store.db
    .prepare('SELECT * FROM task_successes ORDER BY step, finished_at')
    .all() as Array<Record<string, string | number | null>>;
  assert.ok(successes.length >= ROUNDS, `recorded ${successes.length}`);
  const tasks = [];
  // A success's attempt row is written with it (journal.ts): a killed run leaves no success
  // without its attempt.
  const withoutAttempt = new Map<string, number>();
  for (const row of successes) {
    for (const [column, value] of Object.entries(row)) {
      // What a full check learns later (freshness/task-stamps.ts): NULL in a success just recorded.
      if (column === 'definition' || column === 'stamps') assert.equal(value, null, `${column} of ${row.task_key}`);
      else assert.notEqual(value, null, `${column} of ${row.task_key}`);
    }
    assert.equal((JSON.parse(String(row.outputs)) as string[]).length, 3);
    assert.match(String(row.outputs_stamp), /^\d+:\d+:-?\d+\|\d+:\d+:-?\d+\|\d+:\d+:-?\d+$/);
    const attempt = store.db
      .prepare('SELECT state, finished_at FROM task_attempts WHERE run_id = ? AND task_key = ?')
      .get(row.run_id, row.task_key) as { state: string; finished_at: number } | undefined;
    if (attempt === undefined) withoutAttempt.set(String(row.run_id), (withoutAttempt.get(String(row.run_id)) ?? 0) + 1);
    else assert.deepEqual([attempt.state, attempt.finished_at], ['succeeded', row.finished_at]);
    const id = Number(String(JSON.parse(String(row.outputs))[0]).split('/')[2]?.split('.')[0]);
    tasks.push(loopTask(root, Number(String(row.step).slice('round-'.length)), id));
  }
  assert.deepEqual([...withoutAttempt], [], 'runs, and how many of their successes have no attempt');
  const closedWithoutSuccess = store.db
    .prepare(`SELECT count(*) FROM task_attempts a WHERE state = 'succeeded'
              AND NOT EXISTS (SELECT 1 FROM task_successes s WHERE s.task_key = a.task_key)`)
    .pluck()
    .get();
  assert.equal(closedWithoutSuccess, 0);

  // Nothing that was recorded as done would run again.
  const verdicts = checkUpToDate(
    store,
    tasks.map((task) => ({
      task,
      signature: computeSignature({ action: task.action, inputs: [], outputs: task.outputs, params: { i: task.id } }),
    })),
  );
  assert.deepEqual(verdicts.filter((v) => !v.upToDate), []);

  // Each killed run but the last was found dead by the next one.
  const statuses = listRuns(store, 100).map((run) => run.status);
  assert.deepEqual(statuses, ['running', ...Array<string>(ROUNDS - 1).fill('crashed')]);
  store.close();
});
