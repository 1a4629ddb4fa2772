import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { openStore } from '../../src/state/store/open-store.ts';
import { makeTempDir, runSluice } from '../helpers/run-sluice.ts';
import { slurmSkipReason } from '../conformance/slurm-cluster.ts';

// Automatic packing of short tasks into array elements (src/execute/slurm/pack-tasks.ts), on the
// real cluster of scripts/slurm/start-cluster.sh, through the CLI as a user runs it.

const DEBUG = { SLUICE_DEBUG: '1' };

interface Sent {
  readonly tasks: number;
  readonly job: string;
  readonly elements: number;
}

const sent = (stderr: string): Sent[] =>
  [...stderr.matchAll(/\[sluice slurm\] batch \d+: (\d+) task\(s\) of \S+ → job (\d+), (\d+) element\(s\)/g)].map((m) => ({
    tasks: Number(m[1]),
    job: m[2] as string,
    elements: Number(m[3]),
  }));

const elementsOf = (stderr: string): number => sent(stderr).reduce((sum, batch) => sum + batch.elements, 0);

// CPUs of the default partition: how many tasks the cluster runs at once.
function clusterCpus(): number {
  const out = spawnSync('sinfo', ['--noheader', '--format=%P|%C'], { encoding: 'utf8', timeout: 10_000 }).stdout;
  const line = out.split('\n').find((entry) => entry.split('|')[0]?.endsWith('*')) ?? out.split('\n')[0] ?? '';
  const [, , other = '0', total = '0'] = (line.split('|')[1] ?? '').split('/');
  return Math.max(1, Number(total) - Number(other));
}

function scontrolField(job: string, field: string): string | undefined {
  const out = spawnSync('scontrol', ['-o', 'show', 'job', job], { encoding: 'utf8', timeout: 10_000 }).stdout;
  return new RegExp(`(?:^| )${field}=(\\S*)`).exec(out)?.[1];
}

function inputs(dir: string, count: number): void {
  fs.mkdirSync(path.join(dir, 'in'), { recursive: true });
  for (let i = 0; i < count; i++) fs.writeFileSync(path.join(dir, 'in', `${String(i).padStart(3, '0')}.txt`), `n${i}\n`);
}

const copyPipeline = (timeout: string): string => `
  import { cmd, pipeline, step } from 'sluice';
  export default pipeline({
    copy: step({ in: 'in/{n}.txt', out: 'out/{n}.txt', timeout: '${timeout}', run: cmd('cp', '{in}', '{out}') }),
  });`;

describe('Slurm executor packs short tasks by default (real cluster)', { skip: slurmSkipReason() }, () => {
  it('runs 60 short tasks of unknown duration in few array elements: a probe wave, then packs', async () => {
    const cpus = clusterCpus();
    const tasks = Math.max(60, cpus * 6);
    const dir = makeTempDir('sluice-slurm-pack-');
    inputs(dir, tasks);
    const result = await runSluice(['map', '--executor', 'slurm', '--in', 'in/*.txt', '--out', 'out/{stem}.txt', '--', 'cp', '{in}', '{out}'], { cwd: dir, env: DEBUG });
    assert.equal(result.code, 0, result.stderr);
    const batches = sent(result.stderr);
    // The probes, one per element and as many as the cluster runs at once, then the rest packed.
    assert.equal(batches[0]?.tasks, cpus, result.stderr);
    assert.equal(batches[0]?.elements, cpus, result.stderr);
    assert.ok(batches.length <= 3, `${batches.length} sbatch calls:\n${result.stderr}`);
    assert.equal(batches.reduce((sum, batch) => sum + batch.tasks, 0), tasks);
    assert.ok(elementsOf(result.stderr) <= cpus * 3, `${elementsOf(result.stderr)} elements for ${tasks} tasks:\n${result.stderr}`);
    assert.match(result.stderr, /packing map: \d+ task\(s\), \d+ per element \(\d+ ms a task, from this run/);
    for (let i = 0; i < tasks; i++) assert.equal(fs.readFileSync(path.join(dir, `out/${String(i).padStart(3, '0')}.txt`), 'utf8'), `n${i}\n`);
    // Each task keeps its own attempt in the state, as locally.
    const store = openStore(dir);
    try {
      const attempts = store.statement("SELECT COUNT(*) AS n FROM task_attempts WHERE state = 'succeeded'").get() as { n: number };
      assert.equal(Number(attempts.n), tasks);
    } finally {
      store.close();
    }
  });

  it('gives 20 tasks one element each when their timeout or their recorded durations say they are long', async () => {
    const dir = makeTempDir('sluice-slurm-pack-');
    inputs(dir, 20);
    fs.writeFileSync(path.join(dir, 'pipeline.ts'), copyPipeline('2m'));
    // Nothing recorded: the declared timeout (2 minutes, over the ~30 s an element aims at) says long.
    const first = await runSluice(['run', '--executor', 'slurm'], { cwd: dir, env: DEBUG });
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(sent(first.stderr).map((batch) => [batch.tasks, batch.elements]), [[20, 20]], first.stderr);
    assert.equal(scontrolField(`${sent(first.stderr)[0]?.job}_0`, 'TimeLimit'), '00:03:00');

    // Earlier runs recorded one minute a task: long, whatever the timeout allows.
    const store = openStore(dir);
    try {
      store.statement("UPDATE task_successes SET duration_ms = 60000 WHERE step = 'copy'").run();
    } finally {
      store.close();
    }
    const recordedLong = await runSluice(['run', '--executor', 'slurm', '--force', 'copy'], { cwd: dir, env: DEBUG });
    assert.equal(recordedLong.code, 0, recordedLong.stderr);
    assert.deepEqual(sent(recordedLong.stderr).map((batch) => [batch.tasks, batch.elements]), [[20, 20]], recordedLong.stderr);
    assert.match(recordedLong.stderr, /1 per element \(60000 ms a task, from earlier runs/);

    // The re-run recorded what the tasks really took (milliseconds): the next run packs them, and
    // a packed element's time limit is the sum of its tasks' timeouts and kill graces (2 s each
    // but the last), plus the margin.
    const recordedShort = await runSluice(['run', '--executor', 'slurm', '--force', 'copy'], { cwd: dir, env: DEBUG });
    assert.equal(recordedShort.code, 0, recordedShort.stderr);
    const [batch] = sent(recordedShort.stderr);
    assert.equal(sent(recordedShort.stderr).length, 1, recordedShort.stderr);
    assert.ok(batch !== undefined && batch.elements < 20, recordedShort.stderr);
    const perElement = Math.ceil(20 / (batch as Sent).elements);
    const minutes = Math.ceil((perElement * 120 + (perElement - 1) * 2) / 60) + 1;
    const limit = scontrolField(`${(batch as Sent).job}${(batch as Sent).elements > 1 ? '_0' : ''}`, 'TimeLimit');
    assert.equal(limit, `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}:00`);
    for (let i = 0; i < 20; i++) assert.equal(fs.readFileSync(path.join(dir, `out/${String(i).padStart(3, '0')}.txt`), 'utf8'), `n${i}\n`);
  });

  it('sends the rest of a step of unknown duration one per element once a probe has run past the target length', async () => {
    const cpus = clusterCpus();
    const dir = makeTempDir('sluice-slurm-pack-');
    fs.mkdirSync(path.join(dir, 'in'));
    // The probes (the first inputs, one per CPU) run 40 s, past the ~30 s an element aims at.
    for (let i = 0; i < cpus; i++) fs.writeFileSync(path.join(dir, 'in', `${i}.txt`), '40\n');
    fs.writeFileSync(path.join(dir, 'in', 'z1.txt'), '1\n');
    fs.writeFileSync(path.join(dir, 'in', 'z2.txt'), '1\n');
    const result = await runSluice(
      ['map', '--executor', 'slurm', '--in', 'in/*.txt', '--out', 'out/{stem}', '--shell', '--', 'sleep "$(cat {in})"; cp {in} {out}'],
      { cwd: dir, env: DEBUG },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(sent(result.stderr).map((batch) => [batch.tasks, batch.elements]), [[cpus, cpus], [2, 2]], result.stderr);
    assert.match(result.stderr, /packing map: 2 task\(s\), 1 per element \(\d+ ms a task, from this run/);
  });

  it('reports a failing task inside a packed element alone: its pack-mates succeed, it is retried as its own job', async () => {
    const dir = makeTempDir('sluice-slurm-pack-');
    inputs(dir, 40);
    // Sorted after the numbered inputs, so both land in packed elements, not among the probes.
    fs.writeFileSync(path.join(dir, 'in/bad.txt'), 'bad\n');
    fs.writeFileSync(path.join(dir, 'in/flaky.txt'), 'flaky\n');
    const script = 'grep -q bad {in} && { echo bad input >&2; exit 5; }; '
      + 'if grep -q flaky {in} && [ ! -e flag ]; then touch flag; echo first try fails >&2; exit 4; fi; cp {in} {out}';
    const result = await runSluice(
      ['map', '--executor', 'slurm', '--keep-going', '--retries', '1', '--in', 'in/*.txt', '--out', 'out/{stem}', '--shell', '--', script],
      { cwd: dir, env: DEBUG },
    );
    assert.equal(result.code, 1, result.stderr);
    const batches = sent(result.stderr);
    assert.ok(batches.some((batch) => batch.tasks > batch.elements), `nothing was packed:\n${result.stderr}`);
    assert.match(result.stderr, /41 succeeded, 1 failed/);
    assert.match(result.stderr, /✗ map\[in=in\/bad\.txt\]/);
    assert.equal([...result.stderr.matchAll(/✗ map\[/g)].length, 1, result.stderr);
    // The retry is an array element when the retries of bad and flaky go out together, a plain
    // job when each goes alone (which comes first is timing): the report names the job either way.
    assert.match(result.stderr, /exit code 5 \(Slurm job \d+(_\d+)?, job output/);
    for (let i = 0; i < 40; i++) assert.equal(fs.readFileSync(path.join(dir, `out/${String(i).padStart(3, '0')}`), 'utf8'), `n${i}\n`);
    assert.equal(fs.readFileSync(path.join(dir, 'out/flaky'), 'utf8'), 'flaky\n');
    assert.ok(!fs.existsSync(path.join(dir, 'out/bad')));
    // Each attempt kept its own state row and log: bad failed twice (retried), flaky once then passed.
    const store = openStore(dir);
    try {
      const rows = store.statement('SELECT task_key, attempt, state, log_path FROM task_attempts ORDER BY task_key, attempt').all() as Array<{ task_key: string; attempt: number; state: string; log_path: string | null }>;
      const states = (name: string): string[] => rows.filter((row) => row.task_key.includes(name)).map((row) => row.state);
      assert.deepEqual(states('bad'), ['failed', 'failed']);
      assert.deepEqual(states('flaky'), ['failed', 'succeeded']);
      assert.equal(rows.filter((row) => row.state === 'failed').length, 3);
      const badLogs = rows.filter((row) => row.task_key.includes('bad')).map((row) => row.log_path);
      for (const log of badLogs) assert.match(fs.readFileSync(path.resolve(dir, log as string), 'utf8'), /bad input/);
    } finally {
      store.close();
    }
  });
});
