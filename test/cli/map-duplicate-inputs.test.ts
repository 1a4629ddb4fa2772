// The same input twice in `sluice map` without `--out`: as GNU Parallel and xargs do, each is a
// task of its own (a user repeats an input to run it again), recorded and reported as such.
// With `--out`, two tasks would write one path: refused before anything runs, the repeat named.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { makeTempDir, runSluice } from '../helpers/run-sluice.ts';

function taskRows(tsv: string): string[] {
  return tsv
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split('\t'))
    .map((fields) => `${fields[2]} ${fields[9]} ${fields[12]}`);
}

test('map ::: 0 3 0 runs three tasks, and report --tasks has a row for each', async () => {
  const cwd = makeTempDir('sluice-map-dup-');
  const result = await runSluice(['map', '--keep-going', '-j', '1', '--', 'sh', '-c', 'echo "$0 {#}"; exit "$0"', '{}', ':::', '0', '3', '0'], { cwd });
  assert.equal(result.code, 1, result.stderr);
  assert.equal(result.stdout, '0 1\n3 2\n0 3\n');
  assert.match(result.stderr, /3 tasks: 2 succeeded, 1 failed/);
  const report = await runSluice(['report', '--tasks', '-'], { cwd });
  assert.equal(report.code, 0, report.stderr);
  assert.deepEqual(taskRows(report.stdout), ['succeeded 0 0', 'failed 3 3', 'succeeded 0 0']);
  const html = await runSluice(['report', '--output', 'run.html'], { cwd });
  assert.equal(html.code, 0, html.stderr);
  assert.ok(fs.existsSync(path.join(cwd, 'run.html')));
});

test('the same input read twice from standard input runs twice; with --out it is refused, naming both tasks', async () => {
  const cwd = makeTempDir('sluice-map-dup-');
  fs.writeFileSync(path.join(cwd, 'a.txt'), 'a\n');
  const twice = await runSluice(['map', '--in', '-', '--', 'cat'], { cwd, stdin: 'a.txt\na.txt\n' });
  assert.equal(twice.code, 0, twice.stderr);
  assert.equal(twice.stdout, 'a\na\n');
  const report = await runSluice(['report', '--tasks', '-'], { cwd });
  assert.deepEqual(taskRows(report.stdout), ['succeeded 0 a.txt', 'succeeded 0 a.txt']);

  const refused = await runSluice(['map', '--in', '-', '--out', 'out/{name}', '--', 'cat'], { cwd, stdin: 'a.txt\na.txt\n' });
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /out\/a\.txt/);
  assert.match(refused.stderr, /tasks 1 .*and 2 /);
  assert.match(refused.stderr, /`a\.txt` is given twice: give it once, or put `\{#\}` \(the task number\) in --out/);
  assert.ok(!fs.existsSync(path.join(cwd, 'out')));
  // The way the message offers: each is a task of its own, with an output of its own.
  const numbered = await runSluice(['map', '--in', '-', '--out', 'out/{stem}.{#}', '--', 'cp', '{}', '{out}'], { cwd, stdin: 'a.txt\na.txt\n' });
  assert.equal(numbered.code, 0, numbered.stderr);
  assert.deepEqual(fs.readdirSync(path.join(cwd, 'out')).sort(), ['a.1', 'a.2']);
});

test('two outputs of different inputs at one path are refused without the repeated-input hint', async () => {
  const cwd = makeTempDir('sluice-map-dup-');
  fs.mkdirSync(path.join(cwd, 'x'));
  fs.writeFileSync(path.join(cwd, 'a.txt'), 'a\n');
  fs.writeFileSync(path.join(cwd, 'x', 'a.txt'), 'a\n');
  const refused = await runSluice(['map', '--out', 'out/{name}', '--', 'cp', '{}', '{out}', ':::', 'a.txt', 'x/a.txt'], { cwd });
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /Two tasks would write the same output path: out\/a\.txt/);
  assert.doesNotMatch(refused.stderr, /given twice/);
});
