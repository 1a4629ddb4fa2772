import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir, runSluice, startSluice, waitFor } from '../helpers/run-sluice.ts';
import { activeJobs, slurmSkipReason } from '../conformance/slurm-cluster.ts';

// The Slurm executor against the real cluster of scripts/slurm/start-cluster.sh. The outputs of
// local and Slurm runs are compared in test/conformance/; this file checks what is Slurm's own.

const DEBUG = { SLUICE_DEBUG: '1' };

const batches = (stderr: string): string[] => [...stderr.matchAll(/\[sluice slurm\] batch \d+: (.*)/g)].map((m) => m[1] as string);

function scontrolField(job: string, field: string): string | undefined {
  const out = spawnSync('scontrol', ['-o', 'show', 'job', job], { encoding: 'utf8', timeout: 10_000 }).stdout;
  return new RegExp(`(?:^| )${field}=(\\S*)`).exec(out)?.[1];
}

function project(files: Record<string, string>): string {
  const dir = makeTempDir('sluice-slurm-');
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

describe('Slurm executor on a real cluster', { skip: slurmSkipReason() }, () => {
  it('sends 40 ready tasks as one job array of 40 elements with --tasks-per-job 1, with the command line\'s options, and the step\'s', async () => {
    const inputs = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`in/${i}.txt`, `n${i}\n`]));
    const dir = project({
      ...inputs,
      'pipeline.ts': `
        import { cmd, pipeline, step } from 'sluice';
        export default pipeline({
          copy: step({ in: 'in/{n}.txt', out: 'out/{n}.txt', run: cmd('cp', '{in}', '{out}'), slurm: { args: ['--comment=from-the-step'] } }),
        });`,
    });
    const result = await runSluice(['run', '--executor', 'slurm', '--tasks-per-job', '1', '--partition', 'debug', '--sbatch-arg=--nice=5'], { cwd: dir, env: DEBUG });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(batches(result.stderr).map((line) => line.replace(/job \d+/, 'job N')), ['40 task(s) of copy → job N, 40 element(s)']);
    for (let i = 0; i < 40; i++) assert.equal(fs.readFileSync(path.join(dir, `out/${i}.txt`), 'utf8'), `n${i}\n`);
    const job = /→ job (\d+)/.exec(result.stderr)?.[1] as string;
    assert.equal(scontrolField(`${job}_0`, 'Partition'), 'debug');
    assert.equal(scontrolField(`${job}_0`, 'Comment'), 'from-the-step');
    assert.equal(scontrolField(`${job}_0`, 'Nice'), '5');
    assert.equal(scontrolField(`${job}_0`, 'JobName'), 'sluice-copy');
    const again = await runSluice(['run', '--executor', 'slurm'], { cwd: dir, env: DEBUG });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /40 up to date/);
    assert.deepEqual(batches(again.stderr), []);
  });

  it('runs several tasks per array job in turn with --tasks-per-job, each with its own outcome', async () => {
    const inputs = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`in/${i}.txt`, `n${i}\n`]));
    const dir = project({ ...inputs, 'in/bad.txt': 'bad\n' });
    const result = await runSluice(
      ['map', '--executor', 'slurm', '--tasks-per-job', '5', '--keep-going', '--in', 'in/*.txt', '--out', 'out/{stem}', '--shell', '--',
        'grep -q bad {in} && exit 5; cp {in} {out}'],
      { cwd: dir, env: DEBUG },
    );
    assert.equal(result.code, 1, result.stderr);
    assert.deepEqual(batches(result.stderr).map((line) => line.replace(/job \d+/, 'job N')), ['13 task(s) of map → job N, 3 element(s)']);
    assert.match(result.stderr, /exit code 5 \(Slurm job \d+_\d, job output/);
    assert.match(result.stderr, /12 succeeded, 1 failed/);
    for (let i = 0; i < 12; i++) assert.equal(fs.readFileSync(path.join(dir, `out/${i}`), 'utf8'), `n${i}\n`);
    const jobs = new Set([...result.stderr.matchAll(/Slurm job (\d+_\d+)/g)].map((m) => m[1]));
    assert.equal(jobs.size, 1);
  });

  it('runs map --shell in bash strict mode on the node: a failure first in a pipe fails the task', async () => {
    const dir = project({ 'in/good.txt': 'good\n', 'in/bad.txt': 'bad\n' });
    const result = await runSluice(
      ['map', '--executor', 'slurm', '--keep-going', '--in', 'in/*.txt', '--out', 'out/{stem}', '--shell', '--',
        'grep -q good {in} | cat; tr a-z A-Z < {in}'],
      { cwd: dir, env: DEBUG },
    );
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /1 succeeded, 1 failed/);
    assert.match(result.stderr, /✗ map\[in=in\/bad\.txt\] exit code 1 \(Slurm job /);
    assert.equal(fs.readFileSync(path.join(dir, 'out/good'), 'utf8'), 'GOOD\n');
    assert.equal(fs.existsSync(path.join(dir, 'out/bad')), false, 'the failed task left no output');
  });

  it('retries a failed attempt as a new job, and reports a job cancelled outside sluice', async () => {
    const dir = project({ 'in/a.txt': 'a\n', 'in/b.txt': 'b\n' });
    // Fails the first time (no flag file yet), succeeds the second.
    const flaky = ['map', '--executor', 'slurm', '--retries', '1', '--in', 'in/a.txt', '--out', 'out/{name}', '--shell', '--',
      'if [ -e flag ]; then cp {in} {out}; else touch flag; echo first try fails >&2; exit 4; fi'];
    const result = await runSluice(flaky, { cwd: dir, env: DEBUG });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(batches(result.stderr).length, 2);
    assert.equal(fs.readFileSync(path.join(dir, 'out/a.txt'), 'utf8'), 'a\n');

    const victim = startSluice(['map', '--executor', 'slurm', '--in', 'in/b.txt', '--out', 'out/{name}', '--shell', '--', 'touch started; sleep 60; cp {in} {out}'], { cwd: dir });
    await waitFor(() => fs.existsSync(path.join(dir, 'started')), 30_000);
    // Only this test's job: test files run two at a time, and another file's jobs share the name.
    const victimJobs = activeJobs('sluice-map', dir);
    assert.notDeepEqual(victimJobs, []);
    spawnSync('scancel', victimJobs, { timeout: 10_000 });
    const ended = await victim.done;
    assert.equal(ended.code, 1, ended.stderr);
    assert.match(ended.stderr, /✗ map\[in=in\/b\.txt\] cancelled outside sluice \(scancel by a user or an administrator\) \(Slurm job \d+/);
    assert.ok(!fs.existsSync(path.join(dir, 'out/b.txt')));
  });

  it('picks up the job of a sluice killed with SIGKILL instead of submitting it again', async () => {
    const dir = project({ 'in/a.txt': 'a\n' });
    const command = ['map', '--executor', 'slurm', '--in', 'in/a.txt', '--out', 'out/{name}', '--shell', '--', 'touch started; sleep 3; cp {in} {out}'];
    const first = startSluice(command, { cwd: dir, env: DEBUG });
    await waitFor(() => fs.existsSync(path.join(dir, 'started')), 30_000);
    first.child.kill('SIGKILL');
    await first.done;
    const second = await runSluice(command, { cwd: dir, env: DEBUG });
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, /picking up job \d+ of run/);
    assert.deepEqual(batches(second.stderr), [], 'no new submission');
    assert.equal(fs.readFileSync(path.join(dir, 'out/a.txt'), 'utf8'), 'a\n');
    const third = await runSluice(command, { cwd: dir });
    assert.match(third.stderr, /1 up to date/);
    assert.deepEqual(activeJobs('sluice-map', dir), []);
  });

  it('refuses a step that asks for memory Slurm cannot read, before anything is submitted', async () => {
    const dir = project({
      'in/a.txt': 'a\n',
      'pipeline.ts': `
        import { cmd, pipeline, step } from 'sluice';
        export default pipeline({ big: step({ in: 'in/a.txt', out: 'out/a', memory: 'plenty', run: cmd('cp', '{in}', '{out}') }) });`,
    });
    const result = await runSluice(['run', '--executor', 'slurm'], { cwd: dir });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /Expected `memory` of step `big` in .*pipeline\.ts to be a size like 4G or 512M, got `plenty`/);
  });

  it("prints a re-run command for a failed task that keeps the executor options, and runs it again on Slurm", async () => {
    const dir = project({
      'in/a.txt': 'a\n',
      'pipeline.ts': `
        import { pipeline, sh, step } from 'sluice';
        export default pipeline({
          copy: step({ in: 'in/{n}.txt', out: 'out/{n}.txt', run: sh('echo "copy {n}" >> ran.log; [ -e ok ] || exit 4; cp {in} {out}') }),
        });`,
    });
    const result = await runSluice(['run', '--executor', 'slurm', '--partition', 'debug', '--sbatch-arg', '--nice=5'], { cwd: dir });
    assert.equal(result.code, 1, result.stderr);
    const line = /^ {2}re-run: {3}(.*)$/m.exec(result.stderr)?.[1];
    assert.equal(line, 'sluice run --executor slurm --partition debug --sbatch-arg=--nice=5 --force copy out/a.txt');
    fs.writeFileSync(path.join(dir, 'ok'), '');
    const again = await runSluice((line as string).split(' ').slice(1), { cwd: dir, env: DEBUG });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(batches(again.stderr).length, 1);
    assert.equal(fs.readFileSync(path.join(dir, 'out/a.txt'), 'utf8'), 'a\n');
  });
});
