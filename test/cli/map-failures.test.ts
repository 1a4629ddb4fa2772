import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { groupAlive, listFiles, makeTempDir, runSluice, startSluice, waitFor } from '../helpers/run-sluice.ts';

function readPids(cwd: string): number[] {
  const folder = path.join(cwd, 'pids');
  if (!fs.existsSync(folder)) return [];
  return fs.readdirSync(folder).map((name) => Number(fs.readFileSync(path.join(folder, name), 'utf8')));
}

describe('sluice map failures', () => {
  it('reports a failed task: quoted command, exit code, stderr tail, log path; exit 1', async () => {
    const cwd = makeTempDir();
    const script = 'echo line one >&2; echo "bad thing: $1" >&2; exit 3';
    const result = await runSluice(['map', '--', 'sh', '-c', script, 'sh', ':::', "it's"], { cwd });
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /✗ map\[in=it's\] exit code 3/);
    assert.ok(result.stderr.includes(`command:  sh -c '${script.replace(/'/g, `'\\''`)}' sh 'it'\\''s'`), result.stderr);
    assert.match(result.stderr, /status:   exit code 3, not timed out/);
    assert.match(result.stderr, /duration: \d+\.\d\d s/);
    assert.match(result.stderr, /\| line one\n {2}\| bad thing: it's/);
    const log = /log: +(\S+)/.exec(result.stderr)?.[1];
    assert.ok(log !== undefined && log.startsWith('.sluice/logs/'), result.stderr);
    assert.equal(fs.readFileSync(path.join(cwd, log), 'utf8'), "line one\nbad thing: it's\n");
    assert.match(result.stderr, /1 task: 0 succeeded, 1 failed/);
  });

  it('names the signal that killed a task and its meaning', async () => {
    const cwd = makeTempDir();
    const result = await runSluice(['map', '--', 'sh', '-c', 'kill -SEGV $$', 'sh', ':::', 'x'], { cwd });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /killed by SIGSEGV/);
    assert.match(result.stderr, /segmentation fault/i);
  });

  it('stops starting tasks after a failure by default, and goes on with --keep-going', async () => {
    const cwd = makeTempDir();
    const script = 'touch "ran-$1"; [ "$1" != 1 ]';
    const stop = await runSluice(['map', '-j', '1', '--', 'sh', '-c', script, 'sh', ':::', '1', '2', '3'], { cwd });
    assert.equal(stop.code, 1);
    assert.deepEqual(listFiles(cwd).filter((f) => f.startsWith('ran-')), ['ran-1']);
    assert.match(stop.stderr, /0 succeeded, 1 failed, 2 not run/);
    const go = await runSluice(['map', '-j', '1', '--keep-going', '--', 'sh', '-c', script, 'sh', ':::', '1', '2', '3'], { cwd });
    assert.equal(go.code, 1);
    assert.deepEqual(listFiles(cwd).filter((f) => f.startsWith('ran-')), ['ran-1', 'ran-2', 'ran-3']);
    assert.match(go.stderr, /2 succeeded, 1 failed/);
  });

  it('retries a failed task, with one log per attempt', async () => {
    const cwd = makeTempDir();
    const script = 'n=$(cat count 2>/dev/null || echo 0); echo $((n+1)) > count; echo "attempt $((n+1))" >&2; [ "$n" -ge 2 ]';
    const result = await runSluice(['map', '--retries', '2', '--', 'sh', '-c', script, 'sh', ':::', 'x'], { cwd });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(fs.readFileSync(path.join(cwd, 'count'), 'utf8'), '3\n');
    const logs = listFiles(path.join(cwd, '.sluice/logs')).filter((f) => f.endsWith('.err'));
    assert.deepEqual(logs.map((f) => path.basename(f)), ['1.1.err', '1.2.err', '1.3.err']);
  });

  it('writes no file under a final name when a task fails, and creates missing folders', async () => {
    const cwd = makeTempDir();
    const result = await runSluice(
      ['map', '--keep-going', '--out', 'deep/er/{}.txt', '--', 'sh', '-c', 'echo partial; [ "$1" = ok ]', 'sh', ':::', 'ok', 'bad'],
      { cwd },
    );
    assert.equal(result.code, 1);
    assert.deepEqual(listFiles(path.join(cwd, 'deep/er')), ['ok.txt']);
    assert.equal(fs.readFileSync(path.join(cwd, 'deep/er/ok.txt'), 'utf8'), 'partial\n');
  });

  it('fails a task whose command succeeded without creating {out}', async () => {
    const cwd = makeTempDir();
    const result = await runSluice(['map', '--out', 'o/{}', '--', 'true', '{out}', ':::', 'a'], { cwd });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /did not create `o\/a`/);
    assert.deepEqual(listFiles(path.join(cwd, 'o')), []);
  });

  it('times out a task: its whole process group ends and no partial output remains', async () => {
    const cwd = makeTempDir();
    fs.mkdirSync(path.join(cwd, 'pids'));
    const script = 'echo $$ > "pids/$1"; echo partial; sleep 1000 & trap "" TERM; sleep 1000; wait';
    const result = await runSluice(
      ['map', '--timeout', '1s', '--out', 'out/{}.txt', '--', 'sh', '-c', script, 'sh', ':::', 'slow'],
      { cwd },
    );
    assert.equal(result.code, 1);
    assert.match(result.stderr, /timed out after 1\.00 s/);
    const [pgid] = readPids(cwd);
    assert.ok(pgid !== undefined && pgid > 0);
    await waitFor(() => !groupAlive(pgid), 5000);
    assert.deepEqual(listFiles(path.join(cwd, 'out')), []);
  });

  it('on Ctrl-C ends every task process group, leaves no temporary file and exits 130', async () => {
    const cwd = makeTempDir();
    fs.mkdirSync(path.join(cwd, 'pids'));
    const script = 'echo $$ > "pids/$1"; echo partial; sleep 1000 & sleep 1000';
    const run = startSluice(['map', '-j', '2', '--out', 'out/{}', '--', 'sh', '-c', script, 'sh', ':::', 'a', 'b', 'c'], { cwd });
    await waitFor(() => readPids(cwd).length === 2);
    const sentAt = Date.now();
    run.child.kill('SIGINT');
    const result = await run.done;
    assert.equal(result.code, 130, result.stderr);
    assert.ok(Date.now() - sentAt < 8000);
    for (const pgid of readPids(cwd)) await waitFor(() => !groupAlive(pgid), 5000);
    assert.deepEqual(listFiles(path.join(cwd, 'out')), []);
    assert.ok(!fs.existsSync(path.join(cwd, 'pids', 'c')), 'no new task started after Ctrl-C');
  });
});

describe('sluice map usage errors', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['an unknown placeholder', ['--', 'touch', 'ran', '{stme}', ':::', 'a'], /Unknown placeholder `\{stme\}`/],
    ['{out} without --out', ['--', 'touch', 'ran', '{out}', ':::', 'a'], /uses `\{out\}` but no `--out/],
    ['two tasks writing one path', ['--out', 'same.txt', '--', 'touch', 'ran', ':::', 'a', 'b'], /same output path: same\.txt/],
    ['an output that is an input', ['--out', '{}', '--', 'touch', 'ran', ':::', 'a'], /also an input: a/],
    ['a missing program', ['--', 'no-such-program-xyz', ':::', 'a'], /Program `no-such-program-xyz` not found on PATH/],
    ['a bad -j', ['-j', '0', '--', 'touch', 'ran', ':::', 'a'], /Expected `--jobs` to be a positive integer, got `0`/],
    ['a bad --timeout', ['--timeout', 'soon', '--', 'touch', 'ran', ':::', 'a'], /Expected `--timeout` to be a duration/],
    ['no inputs', ['--', 'touch', 'ran'], /Expected inputs/],
    ['an unknown option', ['--frobnicate', '--', 'touch', 'ran', ':::', 'a'], /unknown option '--frobnicate'/],
  ];
  for (const [name, args, message] of cases) {
    it(`refuses ${name} with exit 2 before anything runs`, async () => {
      const cwd = makeTempDir();
      const result = await runSluice(['map', ...args], { cwd });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, message);
      assert.ok(!fs.existsSync(path.join(cwd, 'ran')));
    });
  }
});
