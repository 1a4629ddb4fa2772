import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { listFiles, makeTempDir, runSluice } from '../helpers/run-sluice.ts';

// Steps that declare `log`: files the task writes its own diagnostics to, in place.

function project(pipeline: string, data: Record<string, string> = { 'data/a.txt': 'a\n', 'data/b.txt': 'b\n' }): string {
  const dir = makeTempDir('sluice-logs-');
  for (const [name, text] of Object.entries(data)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  fs.writeFileSync(path.join(dir, 'pipeline.ts'), pipeline);
  return dir;
}

const read = (dir: string, file: string): string => fs.readFileSync(path.join(dir, file), 'utf8');

describe('sluice run with step logs', () => {
  it('keeps the log of a failed command and shows its last lines in the report, beside an empty stderr', async () => {
    const dir = project(`
import { pipeline, step, cmd } from 'sluice';
export default pipeline({
  check: step({
    in: 'data/{s}.txt',
    out: 'out/{s}.txt',
    log: 'logs/check/{s}.log',
    // A tool that writes its diagnostics to the file it is given, nothing to stderr.
    run: cmd('sh', '-c', 'echo "checking $1" > "$2"; if [ "$1" = data/b.txt ]; then for i in 1 2 3; do echo "line $i of the diagnosis" >> "$2"; done; echo "record 7 is corrupt" >> "$2"; exit 4; fi; cp "$1" "$3"', 'sh', '{in}', '{log}', '{out}'),
  }),
});`);
    const result = await runSluice(['run', '--keep-going'], { cwd: dir });
    assert.equal(result.code, 1, result.stderr);
    assert.equal(read(dir, 'logs/check/b.log'), 'checking data/b.txt\nline 1 of the diagnosis\nline 2 of the diagnosis\nline 3 of the diagnosis\nrecord 7 is corrupt\n');
    assert.equal(read(dir, 'logs/check/a.log'), 'checking data/a.txt\n', 'a success keeps its log');
    assert.match(result.stderr, /✗ check\[s=b\] exit code 4/);
    assert.match(result.stderr, /stderr: +\(empty\)\n {2}logs\/check\/b\.log \(last 5 lines\):\n {2}\| checking data\/b\.txt\n(?: {2}\| line \d of the diagnosis\n){3} {2}\| record 7 is corrupt/);
    assert.doesNotMatch(result.stderr, /logs\/check\/a\.log/);
    // The outputs of the failed task are gone; its log is not an output.
    assert.equal(fs.existsSync(path.join(dir, 'out/b.txt')), false);

    // The same in the JSON events, for other programs.
    const json = await runSluice(['run', '--json', 'out/b.txt'], { cwd: dir });
    assert.equal(json.code, 1, json.stderr);
    const failed = json.stdout.trim().split('\n').map((line) => JSON.parse(line) as { event?: string; type?: string; logs?: unknown }).find((event) => event.logs !== undefined);
    assert.deepEqual(failed?.logs, [{ path: 'logs/check/b.log', tail: ['checking data/b.txt', 'line 1 of the diagnosis', 'line 2 of the diagnosis', 'line 3 of the diagnosis', 'record 7 is corrupt'] }]);

    // A log is not an output: a missing one does not make a task run again.
    fs.rmSync(path.join(dir, 'logs/check/a.log'));
    const again = await runSluice(['run', '--dry-run', 'out/a.txt'], { cwd: dir });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /nothing to do: all 1 tasks are up to date/, again.stdout);
  });

  it('keeps the log of a temp step when its outputs are deleted, in a shell step with quoted paths', async () => {
    const dir = project(`
import { pipeline, step, sh, cmd } from 'sluice';
export default pipeline({
  upper: step({
    in: 'data/{s}.txt',
    out: 'work/{s}.up',
    log: 'log files/upper {s}.log',
    temp: true,
    run: sh('echo "upper made {s}" > {log}; tr a-z A-Z < {in} > {out}'),
  }),
  copy: step({ in: 'work/{s}.up', out: 'out/{s}.txt', run: cmd('cp', '{in}', '{out}') }),
});`);
    const result = await runSluice(['run'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(read(dir, 'out/a.txt'), 'A\n');
    assert.equal(fs.existsSync(path.join(dir, 'work/a.up')), false, 'the temp output went once its reader succeeded');
    assert.equal(read(dir, 'log files/upper a.log'), 'upper made a\n');
    assert.equal(read(dir, 'log files/upper b.log'), 'upper made b\n');
  });

  it('clears a stale log when an attempt starts, keeps a retried attempt\'s log in .sluice/logs, and shows the last attempt\'s', async () => {
    const dir = project(
      `
import { pipeline, step, sh } from 'sluice';
export default pipeline({
  flaky: step({
    in: 'data/{s}.txt',
    out: 'out/{s}.txt',
    log: { main: 'logs/{s}.main.log', extra: 'logs/{s}.extra.log' },
    retries: 2,
    // Appends: a log left by an earlier attempt would show here twice.
    run: sh('n=$(cat count 2>/dev/null || echo 0); n=$((n+1)); echo $n > count; echo "attempt $n" >> {log.main}; echo "extra $n" >> {log.extra}; [ $n -ge 3 ] && cp {in} {out}'),
  }),
});`,
      { 'data/a.txt': 'a\n' },
    );
    fs.mkdirSync(path.join(dir, 'logs'));
    fs.writeFileSync(path.join(dir, 'logs/a.main.log'), 'stale, from a run long ago\n');
    const result = await runSluice(['run'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(read(dir, 'logs/a.main.log'), 'attempt 3\n');
    assert.equal(read(dir, 'logs/a.extra.log'), 'extra 3\n');
    const kept = listFiles(path.join(dir, '.sluice/logs')).filter((file) => /\.log2?$/.test(file));
    assert.deepEqual(kept.map((file) => path.basename(file)), ['1.1.log', '1.1.log2', '1.2.log', '1.2.log2']);
    const runDir = path.join(dir, '.sluice/logs', path.dirname(kept[0] as string));
    assert.equal(fs.readFileSync(path.join(runDir, '1.1.log'), 'utf8'), 'attempt 1\n');
    assert.equal(fs.readFileSync(path.join(runDir, '1.2.log2'), 'utf8'), 'extra 2\n');

    // Failing for good: the report shows the last attempt's logs.
    fs.writeFileSync(path.join(dir, 'count'), '-10');
    const failed = await runSluice(['run', '--force', 'flaky'], { cwd: dir });
    assert.equal(failed.code, 1, failed.stderr);
    assert.match(failed.stderr, /\(attempt 3\)/);
    assert.match(failed.stderr, /logs\/a\.main\.log \(last 1 lines\):\n {2}\| attempt -7\n {2}logs\/a\.extra\.log \(last 1 lines\):\n {2}\| extra -7/);
  });

  it('gives a function step its log paths, and reports a function\'s log when it throws', async () => {
    const dir = project(`
import fs from 'node:fs';
import { pipeline, step } from 'sluice';
export default pipeline({
  fn: step({
    in: 'data/{s}.txt',
    out: 'out/{s}.txt',
    log: ['logs/{s}.first.log', 'logs/{s}.second.log'],
    run: ({ input, output, log, logs, wildcards }) => {
      const second: string = logs[1];
      fs.writeFileSync(log, 'first log of ' + wildcards.s + '\\n');
      fs.writeFileSync(second, String(logs.length) + ' logs\\n');
      if (wildcards.s === 'b') throw new Error('b is broken, see ' + log);
      fs.copyFileSync(input, output);
    },
  }),
  plain: step({
    in: 'data/{s}.txt',
    out: 'plain/{s}.txt',
    run: ({ input, output, log, logs }) => {
      const none: undefined = log;
      fs.writeFileSync(output, String(none) + ' ' + String(logs) + ' ' + fs.readFileSync(input, 'utf8'));
    },
  }),
});`);
    const result = await runSluice(['run', '--keep-going'], { cwd: dir });
    assert.equal(result.code, 1, result.stderr);
    assert.equal(read(dir, 'logs/a.first.log'), 'first log of a\n');
    assert.equal(read(dir, 'logs/a.second.log'), '2 logs\n');
    assert.equal(read(dir, 'plain/a.txt'), 'undefined undefined a\n');
    assert.match(result.stderr, /the function threw: b is broken, see \/.*logs\/b\.first\.log/);
    assert.match(result.stderr, /logs\/b\.first\.log \(last 1 lines\):\n {2}\| first log of b/);
  });

  it('makes a plan error of a log that collides with an output or another task\'s log, or has an unbound wildcard', async () => {
    const cases: Array<[string, RegExp]> = [
      [`a: step({ in: 'data/{s}.txt', out: 'out/{s}.txt', log: 'out/{s}.txt', run: cmd('true') })`, /Log `out\/a\.txt` of task `a\[s=a\]` is also an output of task `a\[s=a\]`/],
      [`a: step({ in: 'data/{s}.txt', out: 'out/{s}.txt', log: 'logs/all.log', run: cmd('true') })`, /Two tasks would write log `logs\/all\.log`: task `a\[s=a\]` and task `a\[s=b\]`/],
      [`a: step({ in: 'data/{s}.txt', out: 'out/{s}.txt', log: 'logs/{sample}.log', run: cmd('true') })`, /Wildcard `\{sample\}` in `log` of step `a` in .*pipeline\.ts \(`logs\/\{sample\}\.log`\) is not bound by an input \(the inputs bind \{s\}\)/],
      [`a: step({ in: 'data/{s}.txt', out: 'out/{s}.txt', run: cmd('cat', '{log}') })`, /Unknown placeholder `\{log\}` in step `a` \(run\)/],
      [`a: step({ in: 'data/{s}.txt', out: 'out/{s}.txt', log: { main: 'l/{s}' }, run: cmd('cat', '{log.other}') })`, /Unknown placeholder `\{log\.other\}`/],
      [`a: step({ in: 'data/{s}.txt', out: 'out/{s}.txt', log: 42 as never, run: cmd('true') })`, /Expected `log` of step `a` in .* to be a path, a list of paths or a record of names to paths, got `42`/],
      [`a: step({ in: 'data/{s}.txt', out: 'out/{s}.txt', log: [], run: cmd('true') })`, /Expected `log` of step `a` in .*(empty|at least one)/],
      [`a: step({ in: 'data/{s}.txt', out: 'out/{s}.txt', log: 'data/{s}.txt', run: cmd('true') })`, /Log `data\/a\.txt` of task `a\[s=a\]` is an input of task `a\[s=a\]`/],
      [`a: step({ in: 'data/{s}.txt', out: 'out/{s}.txt', log: './pipeline.ts', run: cmd('true') })`, /Log `pipeline\.ts` of task `a\[s=a\]` is the pipeline file .*pipeline\.ts: each attempt would remove it/],
      [
        `a: step({ in: 'data/{s}.txt', out: 'out/{s}.txt', log: 'logs/{s}.log', run: cmd('true') }),
         b: step({ in: 'data/{s}.txt', out: 'out/{s}.b', log: 'logs/{s}.log', run: cmd('true') })`,
        /Two tasks would write log `logs\/a\.log`: task `a\[s=a\]` and task `b\[s=a\]`/,
      ],
      [
        `a: step({ in: 'data/{s}.txt', out: 'out/{s}.txt', run: cmd('true') }),
         b: step({ in: 'data/{s}.txt', out: 'out/{s}.b', log: 'out/{s}.txt', run: cmd('true') })`,
        /Log `out\/a\.txt` of task `b\[s=a\]` is also an output of task `a\[s=a\]`/,
      ],
    ];
    for (const [steps, expected] of cases) {
      const dir = project(`import { pipeline, step, cmd } from 'sluice';\nexport default pipeline({\n${steps},\n});`);
      const result = await runSluice(['run', '--dry-run'], { cwd: dir });
      assert.equal(result.code, 2, `${steps}\n${result.stderr}`);
      assert.match(result.stderr, expected, steps);
    }
  });

  it('removes a step\'s logs with `sluice clean`, and leaves other steps\' logs', async () => {
    const dir = project(`
import { pipeline, step, sh } from 'sluice';
export default pipeline({
  one: step({ in: 'data/{s}.txt', out: 'one/{s}', log: 'logs/one-{s}.log', run: sh('echo one > {log}; cp {in} {out}') }),
  two: step({ in: 'one/{s}', out: 'two/{s}', log: 'logs/two-{s}.log', run: sh('echo two > {log}; cp {in} {out}') }),
});`);
    assert.equal((await runSluice(['run'], { cwd: dir })).code, 0);
    const clean = await runSluice(['clean', 'two'], { cwd: dir });
    assert.equal(clean.code, 0, clean.stderr);
    assert.match(clean.stderr, /removed 2 outputs, 2 logs and 2 recorded successes of two/);
    assert.deepEqual(listFiles(path.join(dir, 'logs')), ['one-a.log', 'one-b.log']);
  });
});
