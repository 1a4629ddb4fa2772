// `sluice status` and `sluice clean` and the tasks that wait: downstream of a failed task, or in a
// step whose tasks are known only once an upstream step has made its folders (directory()).
// Through the real CLI, on real files.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { listFiles, makeTempDir, runSluice } from '../helpers/run-sluice.ts';

const HOUR_AGO = new Date(Date.now() - 3_600_000);

function project(pipeline: string, data: Record<string, string>): string {
  const dir = makeTempDir('sluice-status-waiting-');
  fs.mkdirSync(path.join(dir, 'data'));
  for (const [name, text] of Object.entries(data)) {
    fs.writeFileSync(path.join(dir, 'data', name), text);
    fs.utimesSync(path.join(dir, 'data', name), HOUR_AGO, HOUR_AGO);
  }
  fs.writeFileSync(path.join(dir, 'pipeline.ts'), pipeline);
  return dir;
}

/** The status table as rows of cells, by step. */
function table(stdout: string): Map<string, string[]> {
  const lines = stdout.trim().split('\n');
  const header = (lines[0] ?? '').split(/\s{2,}/);
  return new Map(lines.slice(1).map((line) => {
    const cells = line.split(/\s{2,}/);
    return [cells[0] as string, header.map((_, index) => cells[index] ?? '')];
  }));
}

const CHAIN = `
import { pipeline, step, sh, all } from 'sluice';
export default pipeline({
  copy: step({ in: 'data/{n}.txt', out: 'out/{n}.txt', run: sh('test {n} != b; cp {in} {out}') }),
  upper: step({ in: 'out/{n}.txt', out: 'up/{n}.txt', run: sh('tr a-z A-Z < {in} > {out}') }),
  total: step({ in: { parts: all('up/{n}.txt') }, out: 'total.txt', run: sh('cat {in.parts} > {out}') }),
});
`;

const FOLDERS = `
import { pipeline, step, sh, all, directory } from 'sluice';
export default pipeline({
  split: step({ in: 'data/{sample}.txt', out: directory('chunks/{sample}'), run: sh('split -l 1 -d {in} {out}/part; for f in {out}/part*; do mv "$f" "$f.txt"; done') }),
  process: step({ in: 'chunks/{sample}/{chunk}.txt', out: 'processed/{sample}/{chunk}.out', run: sh('tr a-z A-Z < {in} > {out}') }),
  gather: step({ in: { parts: all('processed/{sample}/{chunk}.out') }, out: 'total.txt', run: sh('cat {in.parts} > {out}') }),
});
`;

describe('sluice status: tasks that wait', () => {
  it('counts the tasks downstream of a failed task as waiting, not as out of date', async () => {
    const dir = project(CHAIN, { 'a.txt': 'a\n', 'b.txt': 'b\n', 'c.txt': 'c\n' });
    const run = await runSluice(['run', '-k'], { cwd: dir });
    assert.equal(run.code, 1, run.stderr);
    const status = await runSluice(['status'], { cwd: dir });
    assert.equal(status.code, 1, status.stderr);
    const rows = table(status.stdout);
    assert.deepEqual(rows.get('step'), undefined);
    assert.deepEqual(rows.get('copy'), ['copy', 'failed', '3', '2', '0', '0', '1'], status.stdout);
    assert.deepEqual(rows.get('upper'), ['upper', 'waiting', '3', '2', '0', '1', '0'], status.stdout);
    assert.deepEqual(rows.get('total'), ['total', 'waiting', '1', '0', '0', '1', '0'], status.stdout);
    assert.match(status.stdout.split('\n')[0] as string, /tasks\s+up to date\s+out of date\s+waiting\s+failed/);
  });

  it('says a step whose tasks come from an upstream step\'s folders waits for that step, not that it has no tasks', async () => {
    const dir = project(FOLDERS, { 'a.txt': 'a0\na1\n' });
    const before = await runSluice(['status'], { cwd: dir });
    assert.equal(before.code, 1, before.stderr);
    assert.deepEqual(table(before.stdout).get('process')?.slice(0, 2), ['process', 'waiting for split'], before.stdout);
    assert.deepEqual(table(before.stdout).get('gather')?.slice(0, 2), ['gather', 'waiting for split'], before.stdout);
    assert.equal((await runSluice(['run'], { cwd: dir })).code, 0);
    const after = await runSluice(['status'], { cwd: dir });
    assert.equal(after.code, 0, after.stdout);
    assert.deepEqual(table(after.stdout).get('process')?.slice(0, 3), ['process', 'up to date', '2'], after.stdout);
  });
});

describe('sluice clean: tasks that wait', () => {
  it("removes a step's outputs recorded by earlier runs even when its tasks wait for an upstream folder", async () => {
    const dir = project(FOLDERS, { 'a.txt': 'a0\na1\n' });
    assert.equal((await runSluice(['run'], { cwd: dir })).code, 0);
    assert.deepEqual(listFiles(path.join(dir, 'processed')).filter((file) => !file.endsWith('/')), ['a/part00.out', 'a/part01.out']);
    const split = await runSluice(['clean', 'split'], { cwd: dir });
    assert.equal(split.code, 0, split.stderr);
    // process's tasks are not known now (chunks/ is gone), but its files and successes are.
    const cleaned = await runSluice(['clean', 'process'], { cwd: dir });
    assert.equal(cleaned.code, 0, cleaned.stderr);
    assert.match(cleaned.stderr, /removed 2 outputs and 2 recorded successes of process/);
    assert.deepEqual(listFiles(path.join(dir, 'processed')).filter((file) => !file.endsWith('/')), []);
    assert.ok(fs.existsSync(path.join(dir, 'total.txt')), 'another step\'s output stays');
  });

  it("forgets a cleaned step's failures: status says out of date, not failed", async () => {
    const dir = project(CHAIN, { 'a.txt': 'a\n', 'b.txt': 'b\n' });
    assert.equal((await runSluice(['run', '-k'], { cwd: dir })).code, 1);
    assert.equal((await runSluice(['clean', 'copy'], { cwd: dir })).code, 0);
    const status = await runSluice(['status'], { cwd: dir });
    assert.deepEqual(table(status.stdout).get('copy')?.slice(0, 2), ['copy', 'out of date'], status.stdout);
  });

  it('leaves alone a file an earlier version of the step wrote that the pipeline now reads', async () => {
    const dir = project(`
import { pipeline, step, sh } from 'sluice';
export default pipeline({ make: step({ in: 'data/{n}.txt', out: 'made/{n}.txt', run: sh('cp {in} {out}') }) });
`, { 'a.txt': 'a\n' });
    assert.equal((await runSluice(['run'], { cwd: dir })).code, 0);
    // made/a.txt is a source now, and make writes elsewhere.
    fs.writeFileSync(path.join(dir, 'pipeline.ts'), `
import { pipeline, step, sh } from 'sluice';
export default pipeline({
  make: step({ in: 'data/{n}.txt', out: 'other/{n}.txt', run: sh('cp {in} {out}') }),
  use: step({ in: 'made/{n}.txt', out: 'used/{n}.txt', run: sh('cp {in} {out}') }),
});
`);
    const cleaned = await runSluice(['clean', 'make'], { cwd: dir });
    assert.equal(cleaned.code, 0, cleaned.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'made/a.txt'), 'utf8'), 'a\n');
  });
});
