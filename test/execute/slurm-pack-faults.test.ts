import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { openStore } from '../../src/state/store/open-store.ts';
import { makeTempDir, runSluice } from '../helpers/run-sluice.ts';
import { activeJobs, slurmSkipReason } from '../conformance/slurm-cluster.ts';

// A fault of one task inside a packed array element (several tasks run in turn) is that task's
// alone: its pack-mates are neither killed nor blamed, and a task the element never started is
// run again, never reported as succeeded, timed out or failed. Real cluster, through the CLI.

const DEBUG = { SLUICE_DEBUG: '1' };

function states(dir: string): Map<string, string[]> {
  const store = openStore(dir);
  try {
    const rows = store.statement('SELECT task_key, state FROM task_attempts ORDER BY task_key, attempt').all() as Array<{ task_key: string; state: string }>;
    const byTask = new Map<string, string[]>();
    for (const row of rows) byTask.set(row.task_key, [...(byTask.get(row.task_key) ?? []), row.state]);
    return byTask;
  } finally {
    store.close();
  }
}

const stateOf = (all: Map<string, string[]>, name: string): string[] => [...all].find(([key]) => key.includes(name))?.[1] ?? [];

describe('a fault inside a packed Slurm element (real cluster)', { skip: slurmSkipReason() }, () => {
  it("runs again the tasks an element's time limit stopped before they started; only the running one is blamed", async () => {
    const dir = makeTempDir('sluice-slurm-packfault-');
    fs.mkdirSync(path.join(dir, 'in'));
    // One element of three: a runs, b outlives the element's one-minute limit, c never starts in it.
    for (const name of ['a', 'b', 'c']) fs.writeFileSync(path.join(dir, 'in', `${name}.txt`), `${name}\n`);
    const script = 'if [ {stem} = b ]; then sleep 300; fi; cp {in} {out}';
    const result = await runSluice(
      ['map', '--executor', 'slurm', '--keep-going', '--tasks-per-job', '3', '--sbatch-arg=--time=1',
        '--in', 'in/*.txt', '--out', 'out/{stem}', '--shell', '--', script],
      { cwd: dir, env: DEBUG },
    );
    assert.equal(result.code, 1, result.stderr);
    assert.equal([...result.stderr.matchAll(/✗ map\[/g)].length, 1, result.stderr);
    assert.match(result.stderr, /✗ map\[in=in\/b\.txt\]/);
    assert.match(result.stderr, /Slurm time limit/);
    assert.equal(fs.readFileSync(path.join(dir, 'out/a'), 'utf8'), 'a\n');
    assert.equal(fs.readFileSync(path.join(dir, 'out/c'), 'utf8'), 'c\n', result.stderr);
    assert.ok(!fs.existsSync(path.join(dir, 'out/b')));
    const all = states(dir);
    assert.deepEqual(stateOf(all, 'out/a"'), ['succeeded']);
    assert.deepEqual(stateOf(all, 'out/b"'), ['timed out']);
    assert.deepEqual(stateOf(all, 'out/c"'), ['succeeded'], 'c was never started by the element that timed out: it runs again');
  });

  it('ends only the task that outlives its own timeout; the pack-mates before and after it succeed (without --keep-going too)', async () => {
    const dir = makeTempDir('sluice-slurm-packfault-');
    fs.mkdirSync(path.join(dir, 'in'));
    for (const name of ['a', 'b', 'c']) fs.writeFileSync(path.join(dir, 'in', `${name}.txt`), `${name}\n`);
    const script = 'if [ {stem} = b ]; then sleep 300; fi; cp {in} {out}';
    const result = await runSluice(
      ['map', '--executor', 'slurm', '--timeout', '3s', '--tasks-per-job', '3', '--in', 'in/*.txt', '--out', 'out/{stem}', '--shell', '--', script],
      { cwd: dir, env: DEBUG },
    );
    assert.equal(result.code, 1, result.stderr);
    assert.equal([...result.stderr.matchAll(/✗ map\[/g)].length, 1, result.stderr);
    assert.match(result.stderr, /✗ map\[in=in\/b\.txt\] timed out after 3\.00 s/);
    assert.equal(fs.readFileSync(path.join(dir, 'out/a'), 'utf8'), 'a\n');
    assert.equal(fs.readFileSync(path.join(dir, 'out/c'), 'utf8'), 'c\n');
    assert.ok(!fs.existsSync(path.join(dir, 'out/b')));
    const all = states(dir);
    assert.deepEqual([stateOf(all, 'out/a"'), stateOf(all, 'out/b"'), stateOf(all, 'out/c"')], [['succeeded'], ['timed out'], ['succeeded']]);
  });

  it('sends none of the tasks held back for a probe once a probe failed, without --keep-going (as a local run starts no task after a failure)', async () => {
    const dir = makeTempDir('sluice-slurm-packfault-');
    fs.mkdirSync(path.join(dir, 'in'));
    for (let i = 0; i < 12; i++) fs.writeFileSync(path.join(dir, 'in', `${String(i).padStart(2, '0')}.txt`), `${i}\n`);
    const result = await runSluice(
      ['map', '--executor', 'slurm', '--in', 'in/*.txt', '--out', 'out/{stem}', '--shell', '--', 'echo broken >&2; exit 3'],
      { cwd: dir, env: DEBUG },
    );
    assert.equal(result.code, 1, result.stderr);
    const batches = [...result.stderr.matchAll(/\[sluice slurm\] batch \d+: (\d+) task\(s\)/g)].map((m) => Number(m[1]));
    assert.equal(batches.length, 1, `only the probes go out:\n${result.stderr}`);
    assert.ok((batches[0] ?? 0) < 12, result.stderr);
    assert.match(result.stderr, new RegExp(`${batches[0]} failed`));
    assert.deepEqual(activeJobs('sluice-map', dir), []);
  });
});
