// After an edit, a run with a kept plan is given only the tasks the changed files touch and those
// downstream of them; the others are settled, counted up to date unsurveyed
// (state/freshness/narrow-kept-plan.ts). These tests check that it is, that what it settles is
// only ever a task the full check would leave alone, and that the run's summary, its recorded
// step counts and the snapshot it leaves count every task.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { runSluice, takeRanLog as ranLog } from '../helpers/run-sluice.ts';
import { chainProject, editInput, HOUR_AGO, rerun } from '../helpers/noop-project.ts';
import { openSqlite } from '../../src/state/store/open-sqlite.ts';

/** A run with SLUICE_DEBUG: how many tasks it was given and settled ('none': not narrowed), its summary, what ran. */
async function run(dir: string): Promise<{ given: string; summary: string; ran: string[] }> {
  const result = await runSluice(['run'], { cwd: dir, env: { SLUICE_DEBUG: '1' } });
  assert.equal(result.code, 0, result.stderr);
  const narrowed = /the run is given the (\d+) tasks that the changed files touch; (\d+) settled/.exec(result.stderr);
    const summary = /sluice: (\d+ tasks: .*) in /.exec(result.stderr)?.[1] ?? result.stderr;
  return { given: narrowed === null ? 'none' : `${narrowed[1]}, ${narrowed[2]} settled`, summary, ran: ranLog(dir) };
}

const read = (dir: string, name: string): string => fs.readFileSync(path.join(dir, name), 'utf8');

// Built, then (its outputs past the racy margin) confirmed, which leaves the snapshot and kept plan.
async function build(dir: string): Promise<void> {
  assert.equal((await run(dir)).ran.length, 6);
  await sleep(2_100);
  const check = await run(dir);
  assert.deepEqual(check.ran, []);
}

// The step counts the state database keeps of the last run: what `sluice status` and reports show.
function lastStepCounts(dir: string): unknown[] {
  const db = openSqlite(path.join(dir, '.sluice', 'state.db'), { readonly: true });
  try {
    const last = db.prepare('SELECT max(run_id) AS id FROM run_steps').get() as { id: string };
    return db.prepare('SELECT step, position, tasks, up_to_date AS upToDate FROM run_steps WHERE run_id = ? ORDER BY position').all(last.id).map((row) => ({ ...(row as object) }));
  } finally {
    db.close();
  }
}

describe('sluice run after an edit: the plan narrowed to what the edit touches', () => {
  it('runs the changed task and its downstream, and counts every other task up to date', async () => {
    const dir = chainProject();
    await build(dir);
    editInput(dir, 'b.txt', 'bee\n');
    assert.deepEqual(await run(dir), { given: '2, 4 settled', summary: '6 tasks: 2 succeeded, 4 up to date', ran: ['copy b', 'upper b'] });
    assert.equal(read(dir, 'upper/b.txt'), 'BEE\n');
    assert.equal(read(dir, 'upper/a.txt'), 'A\n');
    assert.deepEqual(lastStepCounts(dir), [
      { step: 'copy', position: 0, tasks: 3, upToDate: 2 },
      { step: 'upper', position: 1, tasks: 3, upToDate: 2 },
    ]);
    assert.deepEqual((await rerun(dir)).ran, [], 'the full check finds every task up to date');
  });

  it('gives the tasks whose outputs were edited by hand, and those downstream', async () => {
    const dir = chainProject();
    await build(dir);
    // Two outputs edited by hand, a final one and an intermediate one: only their tasks and
    // those downstream are touched.
    fs.writeFileSync(path.join(dir, 'upper/a.txt'), 'edited\n');
    fs.utimesSync(path.join(dir, 'upper/a.txt'), HOUR_AGO, HOUR_AGO);
    fs.writeFileSync(path.join(dir, 'out/c.txt'), 'sea\n');
    fs.utimesSync(path.join(dir, 'out/c.txt'), HOUR_AGO, HOUR_AGO);
    const result = await run(dir);
    assert.equal(result.given, '3, 3 settled');
    assert.equal(result.summary, '6 tasks: 2 succeeded, 4 up to date');
    // Each output differs from its task's recorded success: the task runs again. upper c is given
    // too, and judged once copy c ran: its input is again as it read it last.
    assert.deepEqual(result.ran.sort(), ['copy c', 'upper a']);
    assert.equal(read(dir, 'upper/a.txt'), 'A\n');
    assert.equal(read(dir, 'out/c.txt'), 'c\n');
    assert.equal(read(dir, 'upper/c.txt'), 'C\n');
    assert.equal(read(dir, 'upper/b.txt'), 'B\n');
  });

  it('is not narrowed when every task is touched', async () => {
    const dir = chainProject();
    await build(dir);
    for (const name of ['a.txt', 'b.txt', 'c.txt']) editInput(dir, name, `${name} again\n`);
    const all = await run(dir);
    assert.deepEqual({ given: all.given, count: all.ran.length }, { given: 'none', count: 6 });
  });
});
