// When only files changed since the last run's snapshot, the survey takes every task none of
// whose files changed as up to date (state/freshness/unchanged-files.ts). These tests check that
// it does, and that what it vouches for never hides a task that must run: the changed file's
// task, its downstream, a deleted output, a new input.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { runSluice, takeRanLog as ranLog } from '../helpers/run-sluice.ts';
import { chainProject, editInput, hasSnapshot, project, settled } from '../helpers/noop-project.ts';

/** A run with SLUICE_DEBUG: how many tasks the snapshot vouched for ('none' when it was not used), and what ran. */
async function run(dir: string): Promise<{ vouched: string; ran: string[] }> {
  const result = await runSluice(['run'], { cwd: dir, env: { SLUICE_DEBUG: '1' } });
  assert.equal(result.code, 0, result.stderr);
  const vouched = /snapshot vouches for the files of (\d+ of \d+) tasks/.exec(result.stderr)?.[1] ?? 'none';
  return { vouched, ran: ranLog(dir) };
}

const read = (dir: string, name: string): string => fs.readFileSync(path.join(dir, name), 'utf8');

describe('sluice run: what the snapshot vouches for once a file changed', () => {
  it('takes the tasks whose files are unchanged as up to date, and runs the one whose input changed', async () => {
    const dir = project();
    await settled(dir);
    editInput(dir, 'b.txt', 'B\n');
    assert.deepEqual(await run(dir), { vouched: '2 of 3', ran: ['copy b'] });
    assert.equal(read(dir, 'out/b.txt'), 'B\n');
    // A deleted output and an edited input at once: each task runs, the third is vouched for.
    fs.rmSync(path.join(dir, 'out/a.txt'));
    editInput(dir, 'c.txt', 'C\n');
    assert.deepEqual(await run(dir), { vouched: '1 of 3', ran: ['copy a', 'copy c'] });
    assert.equal(read(dir, 'out/a.txt'), 'a\n');
    assert.equal(read(dir, 'out/c.txt'), 'C\n');
    assert.equal(hasSnapshot(dir), true);
  });

  it('judges a downstream task again once its upstream ran, not by the snapshot', async () => {
    const dir = chainProject();
    assert.equal((await run(dir)).ran.length, 6);
    // out/ was written a moment ago: its files' hashes are trusted (and a snapshot left) once older.
    await sleep(2_100);
    assert.deepEqual(await run(dir), { vouched: 'none', ran: [] });
    assert.equal(hasSnapshot(dir), true);
    editInput(dir, 'b.txt', 'bee\n');
    // upper b's own files are unchanged when the snapshot is read; out/b.txt changes when copy b runs.
    assert.deepEqual(await run(dir), { vouched: '5 of 6', ran: ['copy b', 'upper b'] });
    assert.equal(read(dir, 'upper/b.txt'), 'BEE\n');
    assert.equal(read(dir, 'upper/a.txt'), 'A\n');
  });

  it('vouches for nothing when a folder the plan listed changed: a file added', async () => {
    const dir = project();
    await settled(dir);
    editInput(dir, 'd.txt', 'd\n');
    editInput(dir, 'b.txt', 'B\n');
    assert.deepEqual(await run(dir), { vouched: 'none', ran: ['copy b', 'copy d'] });
    assert.equal(read(dir, 'out/d.txt'), 'd\n');
  });
});
