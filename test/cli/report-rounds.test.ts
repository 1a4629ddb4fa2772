// A pipeline with a folder output (directory()) runs in rounds, each recorded as a run of its
// own; `sluice report --tasks` of the last run covers every round of that `sluice run`, and not
// the rounds of an earlier one; so does the HTML report.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { findReportRun, readReportData } from '../../src/report/html/read-report-data.ts';
import { openStore } from '../../src/state/store/open-store.ts';
import { makeTempDir, runSluice } from '../helpers/run-sluice.ts';

const PIPELINE = `
import { pipeline, step, sh, directory } from 'sluice';
export default pipeline({
  split: step({ in: 'data/{s}.txt', out: directory('chunks/{s}'), run: sh('mkdir -p {out} && split -l 1 -d {in} {out}/part') }),
  count: step({ in: 'chunks/{s}/{part}', out: 'counts/{s}/{part}.n', run: sh('wc -l < {in} > {out}') }),
});
`;

function steps(tsv: string): string[] {
  return tsv
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split('\t'))
    .map(([step, wildcards, status]) => `${step} ${wildcards} ${status}`)
    .sort();
}

test('report --tasks lists the tasks of every round of the last run', async () => {
  const cwd = makeTempDir('sluice-report-rounds-');
  fs.mkdirSync(path.join(cwd, 'data'));
  fs.writeFileSync(path.join(cwd, 'data', 'a.txt'), '1\n2\n');
  fs.writeFileSync(path.join(cwd, 'pipeline.ts'), PIPELINE);
  const run = await runSluice(['run'], { cwd });
  assert.equal(run.code, 0, run.stderr);
  const report = await runSluice(['report', '--tasks', '-'], { cwd });
  assert.equal(report.code, 0, report.stderr);
  assert.deepEqual(steps(report.stdout), [
    'count s=a, part=part00 succeeded',
    'count s=a, part=part01 succeeded',
    'split s=a succeeded',
  ]);

  // A second sample: the next run's rounds only (a split of b, then its counts).
  fs.writeFileSync(path.join(cwd, 'data', 'b.txt'), '3\n');
  const next = await runSluice(['run'], { cwd });
  assert.equal(next.code, 0, next.stderr);
  const second = await runSluice(['report', '--tasks', '-'], { cwd });
  assert.deepEqual(steps(second.stdout), ['count s=b, part=part00 succeeded', 'split s=b succeeded']);
});

test('the HTML report (and run --report) covers every round: its tasks, its steps counted as run', async () => {
  const cwd = makeTempDir('sluice-report-rounds-');
  fs.mkdirSync(path.join(cwd, 'data'));
  fs.writeFileSync(path.join(cwd, 'data', 'a.txt'), '1\n2\n');
  fs.writeFileSync(path.join(cwd, 'pipeline.ts'), PIPELINE);
  const run = await runSluice(['run', '--report', 'run.html'], { cwd });
  assert.equal(run.code, 0, run.stderr);
  const store = openStore(cwd);
  try {
    const last = findReportRun(store);
    assert.ok(last !== undefined);
    const data = await readReportData(store, last);
    assert.deepEqual(
      data.attempts.map((attempt) => `${attempt.step} ${attempt.name} ${attempt.final} ${attempt.state}`).sort(),
      ['count count[s=a, part=part00] true succeeded', 'count count[s=a, part=part01] true succeeded', 'split split[s=a] true succeeded'],
    );
    assert.equal(new Set(data.attempts.map((attempt) => attempt.taskId)).size, 3);
    assert.deepEqual(data.steps, [
      { name: 'split', tasks: 1, upToDate: 0 },
      { name: 'count', tasks: 2, upToDate: 0 },
    ]);
    assert.ok(data.run.startedAt <= Math.min(...data.attempts.map((attempt) => attempt.startedAt)));
  } finally {
    store.close();
  }
  // The page written by run --report names the first round's task too.
  assert.match(fs.readFileSync(path.join(cwd, 'run.html'), 'utf8'), /split\[s=a\]/);
});
