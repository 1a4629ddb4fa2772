// Command tasks held in the launcher ahead of a free slot, through the real CLI: -j is never
// exceeded, a held task's timeout counts from its real start, and Ctrl-C or a failure (without
// --keep-going) leaves the held tasks never started, reported as not run, with nothing left running.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { groupAlive, makeTempDir, REPO, runSluice, startSluice, waitFor, type SluiceResult } from '../helpers/run-sluice.ts';

// Each task marks itself running, counts the tasks running (its own mark included), and keeps the
// count; a task that ran writes `ran/<input>`.
const COUNTING = 'touch "running/$1"; ls running | wc -l >> counts; sleep "$2"; touch "ran/$1"; rm "running/$1"; exit "$3"';

function prepare(): string {
  const cwd = makeTempDir();
  fs.mkdirSync(path.join(cwd, 'running'));
  fs.mkdirSync(path.join(cwd, 'ran'));
  fs.mkdirSync(path.join(cwd, 'pids'));
  return cwd;
}

function maxConcurrent(cwd: string): number {
  const counts = fs.readFileSync(path.join(cwd, 'counts'), 'utf8').split('\n').filter((line) => line.trim() !== '');
  return Math.max(...counts.map(Number));
}

function ran(cwd: string): string[] {
  return fs.readdirSync(path.join(cwd, 'ran')).sort();
}

function readPids(cwd: string): number[] {
  return fs.readdirSync(path.join(cwd, 'pids')).map((name) => Number(fs.readFileSync(path.join(cwd, 'pids', name), 'utf8')));
}

function ledgerFiles(cwd: string): string[] {
  const folder = path.join(cwd, '.sluice', 'launchers');
  return fs.existsSync(folder) ? fs.readdirSync(folder) : [];
}

// map's inputs as `name:seconds:exit`, split into the script's $1 $2 $3.
function mapArgs(jobs: number, inputs: readonly string[], extra: readonly string[] = []): string[] {
  const script = `IFS=:; set -- $1; ${COUNTING}`;
  return ['map', '-j', String(jobs), ...extra, '--', 'sh', '-c', script, 'sh', ':::', ...inputs];
}

describe('command tasks held in the launcher', () => {
  for (const jobs of [1, 2, 3]) {
    it(`never runs more than -j ${jobs} tasks at once`, async () => {
      const cwd = prepare();
      const inputs = Array.from({ length: 30 }, (_, i) => `t${String(i).padStart(2, '0')}:0.0${i % 4}:0`);
      const result = await runSluice(mapArgs(jobs, inputs), { cwd });
      assert.equal(result.code, 0, result.stderr);
      assert.equal(ran(cwd).length, 30);
      assert.ok(maxConcurrent(cwd) <= jobs, `at most ${jobs} at once, saw ${maxConcurrent(cwd)}`);
    });
  }

  it('never exceeds -j with failures, --keep-going and retries, and runs every task', async () => {
    const cwd = prepare();
    const inputs = Array.from({ length: 24 }, (_, i) => `t${String(i).padStart(2, '0')}:0.0${i % 3}:${i % 5 === 0 ? 1 : 0}`);
    const result = await runSluice(mapArgs(2, inputs, ['--keep-going', '--retries', '1']), { cwd });
    assert.equal(result.code, 1, result.stderr);
    assert.equal(ran(cwd).length, 24, 'every task ran (the failing ones twice)');
    assert.ok(maxConcurrent(cwd) <= 2, `at most 2 at once, saw ${maxConcurrent(cwd)}`);
    assert.match(result.stderr, /19 succeeded, 5 failed/);
  });

  it("counts a held task's timeout from its real start", async () => {
    const cwd = prepare();
    // With -j 1 the second task is held from the start, for 2.5 s; it then runs 2.5 s, within its
    // own 4 s. Counted from when it was held, it would be killed at 4 s.
    const result = await runSluice(mapArgs(1, ['a:2.5:0', 'b:2.5:0'], ['--timeout', '4s']), { cwd });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(ran(cwd), ['a', 'b']);
  });

  it('without --keep-going, a failure leaves the held tasks unstarted, reported as not run', async () => {
    const cwd = prepare();
    // `fail` fails while `slow` runs; `c` and `d` wait in the launcher. `slow` then exits 0: no
    // held task may start in its place. (That the launcher starts none in place of a task that
    // ends before sluice acted on a failure is test/process/launcher-hold.test.ts's.)
    const result = await runSluice(mapArgs(2, ['fail:0.3:1', 'slow:2:0', 'c:0:0', 'd:0:0']), { cwd });
    assert.equal(result.code, 1, result.stderr);
    assert.deepEqual(ran(cwd), ['fail', 'slow']);
    assert.match(result.stderr, /1 succeeded, 1 failed, 2 not run/);
    assert.deepEqual(ledgerFiles(cwd), []);
  });

  it('without --keep-going, a command that exits 0 without its output lets no held task start in its place', async () => {
    const cwd = prepare();
    // `a` exits 0 without writing its --out file (a failure) while `b`, `c`, `d` wait in the launcher.
    const script = 'touch "ran/$1"; if [ "$1" = a ]; then sleep 1; else echo x > "$2"; fi';
    const args = ['map', '-j', '1', '--out', 'out/{in}.txt', '--', 'sh', '-c', script, 'sh', '{in}', '{out}', ':::', 'a', 'b', 'c', 'd'];
    const result = await runSluice(args, { cwd });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /command succeeded but did not create/);
    assert.deepEqual(ran(cwd), ['a']);
    assert.match(result.stderr, /0 succeeded, 1 failed, 3 not run/);
    assert.deepEqual(ledgerFiles(cwd), []);
  });

  for (const [how, toGroup] of [
    ['sent to sluice alone', false],
    ['sent to the whole foreground group (a terminal)', true],
  ] as const) {
    it(`Ctrl-C ${how}: held tasks never start, running ones end, nothing is left`, async () => {
      const cwd = prepare();
      // The running tasks exit 0 on SIGTERM: no held task may start in their place.
      const script = 'trap "exit 0" TERM; echo $$ > "pids/$1"; sleep 1000 & wait; touch "ran/$1"';
      const args = ['map', '-j', '2', '--', 'sh', '-c', script, 'sh', ':::', 'a', 'b', 'c', 'd', 'e'];
      let result: SluiceResult;
      if (toGroup) {
        const child = spawn(process.execPath, ['--import', path.join(REPO, 'node_modules/tsx/dist/loader.mjs'), path.join(REPO, 'src/cli/main.ts'), ...args], {
          cwd,
          detached: true,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stderr = '';
        child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
        child.stdout.resume();
        const done = new Promise<SluiceResult>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout: '', stderr })));
        await waitFor(() => fs.readdirSync(path.join(cwd, 'pids')).length === 2, 30_000);
        process.kill(-(child.pid as number), 'SIGINT');
        result = await done;
      } else {
        const run = startSluice(args, { cwd });
        await waitFor(() => fs.readdirSync(path.join(cwd, 'pids')).length === 2, 30_000);
        run.child.kill('SIGINT');
        result = await run.done;
      }
      assert.equal(result.code, 130, result.stderr);
      const started = fs.readdirSync(path.join(cwd, 'pids')).sort();
      assert.equal(started.length, 2, `only the two running tasks started: ${started.join(' ')}`);
      for (const pgid of readPids(cwd)) await waitFor(() => !groupAlive(pgid), 10_000);
      assert.match(result.stderr, /3 not run/);
      assert.deepEqual(ledgerFiles(cwd), []);
    });
  }

  it('SIGKILL of sluice with held tasks: none starts, the running ones end, a re-run runs the rest', async () => {
    const cwd = prepare();
    // The running tasks exit 0 on SIGTERM; on the re-run (`rerun` exists) every task just succeeds.
    const script = 'if [ -e rerun ]; then touch "ran/$1"; exit 0; fi; trap "exit 0" TERM; echo $$ > "pids/$1"; sleep 1000 & wait';
    const args = ['map', '-j', '2', '--out', 'out/{}', '--', 'sh', '-c', script, 'sh', ':::', 'a', 'b', 'c', 'd', 'e'];
    const run = startSluice(args, { cwd });
    await waitFor(() => fs.readdirSync(path.join(cwd, 'pids')).length === 2, 30_000);
    run.child.kill('SIGKILL');
    await run.done;
    for (const pgid of readPids(cwd)) await waitFor(() => !groupAlive(pgid), 10_000);
    await waitFor(() => ledgerFiles(cwd).length === 0, 10_000);
    assert.equal(fs.readdirSync(path.join(cwd, 'pids')).length, 2, 'no held task started');
    fs.writeFileSync(path.join(cwd, 'rerun'), '');
    const again = await runSluice(args, { cwd });
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(ran(cwd), ['a', 'b', 'c', 'd', 'e']);
    assert.deepEqual(fs.readdirSync(path.join(cwd, 'out')).sort(), ['a', 'b', 'c', 'd', 'e']);
  });

  it('counts function tasks and held command tasks against the same -j', async () => {
    const cwd = prepare();
    const names = Array.from({ length: 16 }, (_, i) => `s${String(i).padStart(2, '0')}`);
    fs.mkdirSync(path.join(cwd, 'data'));
    for (const name of names) fs.writeFileSync(path.join(cwd, 'data', `${name}.txt`), `${name}\n`);
    // Both steps mark themselves in running/ while they run and keep the count they saw.
    fs.writeFileSync(
      path.join(cwd, 'pipeline.ts'),
      `
import fs from 'node:fs';
import { pipeline, step, sh } from 'sluice';
const nap = new Int32Array(new SharedArrayBuffer(4));
export default pipeline({
  steps: () => ({
    cmd: step({
      in: 'data/{sample}.txt',
      out: 'work/{sample}.c',
      run: sh('touch running/c{sample}; ls running | wc -l >> counts; sleep 0.03; cp {in} {out}; rm running/c{sample}'),
    }),
    fn: step({
      in: 'data/{sample}.txt',
      out: 'work/{sample}.f',
      run: ({ input, output, wildcards }) => {
        fs.writeFileSync('running/f' + wildcards.sample, '');
        fs.appendFileSync('counts', fs.readdirSync('running').length + '\\n');
        Atomics.wait(nap, 0, 0, 30);
        fs.copyFileSync(input, output);
        fs.unlinkSync('running/f' + wildcards.sample);
      },
    }),
  }),
});
`,
    );
    const result = await runSluice(['run', '-j', '2'], { cwd });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(fs.readdirSync(path.join(cwd, 'work')).length, 32);
    assert.ok(maxConcurrent(cwd) <= 2, `at most 2 at once, saw ${maxConcurrent(cwd)}`);
  });
});

