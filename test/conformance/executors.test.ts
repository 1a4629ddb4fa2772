import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir, runSluice, startSluice, waitFor, type SluiceResult } from '../helpers/run-sluice.ts';
import { activeJobs, slurmSkipReason } from './slurm-cluster.ts';

// One conformance suite for every executor: the same pipelines run on the local executor and on
// the Slurm executor (a real cluster) and must leave byte-identical files and the same verdicts.

const EXECUTORS = ['local', 'slurm'] as const;

const PIPELINE = `
import fs from 'node:fs';
import { all, cmd, pipeline, sh, step } from 'sluice';

export default pipeline({
  upper: step({ in: 'data/{name}.txt', out: 'work/{name}.up', run: cmd('sed', 's/a/A/g', '{in}'), stdout: true }),
  reverse: step({
    in: 'data/{name}.txt',
    out: 'work/{name}.rev',
    run: ({ input, output }) => fs.writeFileSync(output, fs.readFileSync(input, 'utf8').split('\\n').reverse().join('\\n')),
  }),
  summary: step({
    in: { ups: all('work/{name}.up'), revs: all('work/{name}.rev') },
    out: 'out/summary.txt',
    run: ({ inputs, output }) =>
      fs.writeFileSync(output, [...inputs.ups, ...inputs.revs].map((file) => fs.readFileSync(file, 'utf8')).join('--\\n')),
  }),
  wide: step({ in: 'data/a.txt', out: 'out/cpus.txt', cpus: 2, run: sh('test "$(nproc)" -ge 2 && echo two cpus > {out}') }),
  failing: step({ in: 'data/b.txt', out: 'out/never.txt', run: sh('echo about to fail >&2; exit 3') }),
  piped: step({ in: 'data/a.txt', out: 'out/piped.txt', run: sh('(cat {in}; echo pipe broke >&2; exit 4) | cat > {out}') }),
  slow: step({ in: 'data/c.txt', out: 'out/slow.txt', timeout: '2s', run: sh('sleep 30; echo late > {out}') }),
});
`;

const HOLD_PIPELINE = `
import { pipeline, sh, step } from 'sluice';

export default pipeline({
  hold: step({ in: 'data/{name}.txt', out: 'held/{name}.txt', run: sh('touch started-{name}; sleep 60; cp {in} {out}') }),
});
`;

// Logs a task writes in place (shared file system on Slurm): kept on failure, tails reported.
const LOG_PIPELINE = `
import { pipeline, sh, step } from 'sluice';

export default pipeline({
  logged: step({
    in: 'data/{name}.txt',
    out: 'out/{name}.logged',
    log: 'logs/{name}/run.log',
    run: sh('echo "log of {name}" > {log}; if [ {name} = a ]; then echo "a is bad" >> {log}; exit 5; fi; cp {in} {out}'),
  }),
});
`;

function makeProject(pipeline: string): string {
  const dir = makeTempDir('sluice-conformance-');
  fs.writeFileSync(path.join(dir, 'pipeline.ts'), pipeline);
  fs.mkdirSync(path.join(dir, 'data'));
  for (const name of ['a', 'b', 'c']) fs.writeFileSync(path.join(dir, 'data', `${name}.txt`), `${name}\nbanana ${name}\nlast line\n`);
  return dir;
}

/** Every file and folder under `dir` except sluice's own state, with contents. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const full = path.join(entry.parentPath, entry.name);
    const relative = path.relative(dir, full);
    if (relative.split(path.sep)[0] === '.sluice') continue;
    files[relative] = entry.isDirectory() ? '(folder)' : fs.readFileSync(full, 'base64');
  }
  return files;
}

const args = (executor: string): string[] => ['run', '--executor', executor, '-j', '4', '--keep-going'];

describe('executor conformance: local and Slurm', { skip: slurmSkipReason() }, () => {
  it('command, worker-thread and gather steps, a failure, a timeout and a 2-cpu task end the same', async () => {
    const results = new Map<string, { result: SluiceResult; files: Record<string, string> }>();
    await Promise.all(
      EXECUTORS.map(async (executor) => {
        const dir = makeProject(PIPELINE);
        const result = await runSluice(args(executor), { cwd: dir });
        results.set(executor, { result, files: snapshot(dir) });
      }),
    );
    const local = results.get('local')!;
    const slurm = results.get('slurm')!;
    assert.equal(local.result.code, 1, local.result.stderr);
    assert.equal(slurm.result.code, 1, slurm.result.stderr);
    assert.deepEqual(slurm.files, local.files);
    assert.equal(Buffer.from(local.files['out/cpus.txt'] ?? '', 'base64').toString(), 'two cpus\n');
    assert.match(Buffer.from(local.files['out/summary.txt'] ?? '', 'base64').toString(), /^A\nbAnAnA A\n/);
    assert.equal(local.files['out/never.txt'], undefined);
    assert.equal(local.files['out/slow.txt'], undefined);
    assert.equal(local.files['out/piped.txt'], undefined, 'strict bash: the first command of the pipe failed');
    for (const { result } of [local, slurm]) {
      assert.match(result.stderr, /✗ failing(?:\[[^\]\n]*\])? exit code 3/);
      assert.match(result.stderr, /✗ piped(?:\[[^\]\n]*\])? exit code 4/);
      assert.match(result.stderr, /\| about to fail/);
      assert.match(result.stderr, /✗ slow(?:\[[^\]\n]*\])? timed out after 2\.00 s/);
      assert.match(result.stderr, /8 succeeded, 3 failed/);
    }
    assert.match(slurm.result.stderr, /exit code 3 \(Slurm job \d+, job output \.sluice\/slurm\/[^)]+\/job-\d+\.out\)/);
  });

  it('a step\'s logs are written in place, kept when the task fails, and their tails reported', async () => {
    const results = new Map<string, { result: SluiceResult; files: Record<string, string> }>();
    await Promise.all(
      EXECUTORS.map(async (executor) => {
        const dir = makeProject(LOG_PIPELINE);
        const result = await runSluice(args(executor), { cwd: dir });
        results.set(executor, { result, files: snapshot(dir) });
      }),
    );
    const local = results.get('local')!;
    const slurm = results.get('slurm')!;
    assert.deepEqual(slurm.files, local.files);
    assert.equal(Buffer.from(local.files['logs/a/run.log'] ?? '', 'base64').toString(), 'log of a\na is bad\n');
    assert.equal(Buffer.from(local.files['logs/b/run.log'] ?? '', 'base64').toString(), 'log of b\n');
    for (const { result } of [local, slurm]) {
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stderr, /logs\/a\/run\.log \(last 2 lines\):\n {2}\| log of a\n {2}\| a is bad/);
    }
  });

  it('a run interrupted mid-task leaves no output, no staging folder and no job in the queue', async () => {
    const results = new Map<string, { result: SluiceResult; files: Record<string, string>; dir: string }>();
    await Promise.all(
      EXECUTORS.map(async (executor) => {
        const dir = makeProject(HOLD_PIPELINE);
        const { child, done } = startSluice(args(executor), { cwd: dir });
        await waitFor(() => fs.readdirSync(dir).some((name) => name.startsWith('started-')), 60_000);
        child.kill('SIGINT');
        const result = await done;
        const files = snapshot(dir);
        for (const name of Object.keys(files)) if (name.startsWith('started-')) delete files[name];
        results.set(executor, { result, files, dir });
      }),
    );
    const local = results.get('local')!;
    const slurm = results.get('slurm')!;
    assert.equal(local.result.code, 130, local.result.stderr);
    assert.equal(slurm.result.code, 130, slurm.result.stderr);
    assert.deepEqual(slurm.files, local.files);
    assert.deepEqual(Object.keys(local.files).filter((name) => name.startsWith('held')), ['held']);
    assert.deepEqual(activeJobs('sluice-hold', slurm.dir), []);
  });
});
