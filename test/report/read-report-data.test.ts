// The report of a past run, read back from a real state database as the run recorded it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';
import type { AttemptOutcome } from '../../src/execute/executor.ts';
import { findReportRun, readReportData } from '../../src/report/html/read-report-data.ts';
import { writeRunReport } from '../../src/report/html/write-report.ts';
import { createAttemptRecorder } from '../../src/schedule/record-attempts.ts';
import { openStore } from '../../src/state/store/open-store.ts';
import { createJournal } from '../../src/state/journal/journal.ts';
import { makeTask, makeTempDir } from '../state/helpers.ts';

function outcome(fields: Partial<AttemptOutcome> & Pick<AttemptOutcome, 'startedAt' | 'endedAt' | 'stderrLog'>): AttemptOutcome {
  return { status: 'succeeded', exitCode: 0, signal: null, argv: ['convert', 'in put.txt'], stderrTail: [], ...fields };
}

it('reads steps, attempts, resource use and failures (with their stderr tail from the log)', async () => {
  const root = makeTempDir('sluice-report-');
  const log = path.join(root, '.sluice/logs/r/2.2.err');
  fs.mkdirSync(path.dirname(log), { recursive: true });
  fs.writeFileSync(log, Array.from({ length: 30 }, (_, index) => `line ${index + 1}`).join('\n') + '\n');
  const store = openStore(root);
  try {
    const journal = createJournal(store);
    journal.startRun({ id: '20261125-120000-1', command: 'sluice run', startedAt: 1000 });
    const task = (id: number, step: string) => makeTask({ cwd: root, id, step, outputs: [`out${id}.txt`] });
    const [one, two, three] = [task(1, 'convert'), task(2, 'convert'), task(3, 'convert')];
    // Task 4 never runs: the run stopped after task 2 failed.
    const tasks = [one, two, three, task(4, 'sum')];
    const recorder = createAttemptRecorder(journal, store.dbPath);
    recorder.onRunStarted?.(tasks);
    recorder.onTaskUpToDate?.(three);
    recorder.onTaskEnded?.(one, 1, outcome({ startedAt: 1100, endedAt: 1300, stderrLog: 'x', usage: { cpuUserUs: 100_000, cpuSystemUs: 50_000, maxRssKb: 5000 } }), true);
    recorder.onTaskEnded?.(two, 1, outcome({ status: 'failed', exitCode: 2, startedAt: 1100, endedAt: 1200, stderrLog: 'y' }), false);
    recorder.onTaskEnded?.(
      two,
      2,
      outcome({ status: 'timed out', exitCode: null, signal: 'SIGTERM', error: 'it took too long', startedAt: 1250, endedAt: 1900, stderrLog: log }),
      true,
    );
    recorder.onRunEnded?.({ total: 4, counts: {} as never, startedAt: 1000, endedAt: 2000, interrupted: false, failures: [] });
    journal.finishRun('failed', 2000);

    const run = findReportRun(store);
    assert.equal(run?.id, '20261125-120000-1');
    assert.equal(findReportRun(store, '20261125-120000-9'), undefined);
    const data = await readReportData(store, run!, { stderrTailLines: 5, now: 5000 });
    assert.deepEqual(data.steps, [
      { name: 'convert', tasks: 3, upToDate: 1 },
      { name: 'sum', tasks: 1, upToDate: 0 },
    ]);
    assert.deepEqual(
      data.attempts.map((a) => [a.taskId, a.attempt, a.final, a.state, a.command, a.cpuMs, a.maxRssKb]),
      [
        [1, 1, true, 'succeeded', "convert 'in put.txt'", 150, 5000],
        [2, 1, false, 'failed', "convert 'in put.txt'", null, null],
        [2, 2, true, 'timed out', "convert 'in put.txt'", null, null],
      ],
    );
    assert.equal(data.failures.length, 1);
    assert.equal(data.failures[0]?.attempts, 2);
    assert.equal(data.failures[0]?.attempt.error, 'it took too long');
    assert.deepEqual(data.failures[0]?.stderrTail, ['line 26', 'line 27', 'line 28', 'line 29', 'line 30']);
    assert.deepEqual([data.run.startedAt, data.run.endedAt, data.run.root], [1000, 2000, root]);
  } finally {
    store.close();
  }

  const file = path.join(root, 'report.html');
  assert.deepEqual(await writeRunReport({ root, file }), { runId: '20261125-120000-1', file });
  assert.match(fs.readFileSync(file, 'utf8'), /it took too long, signal SIGTERM/);
  assert.deepEqual(fs.readdirSync(root).filter((name) => name.includes('.tmp')), [], 'no temporary file left');
});

it('says which run is missing, and creates no database where there is none', async () => {
  const root = makeTempDir('sluice-report-');
  await assert.rejects(writeRunReport({ root, file: path.join(root, 'r.html') }), /No sluice run recorded in .*state\.db does not exist/);
  assert.equal(fs.existsSync(path.join(root, '.sluice')), false);
  openStore(root).close();
  await assert.rejects(writeRunReport({ root, file: path.join(root, 'r.html') }), /No sluice run recorded in/);
  await assert.rejects(writeRunReport({ root, runId: '20261125-120000-1', file: path.join(root, 'r.html') }), /No run `20261125-120000-1`/);
});

it('shows a failure that wrote nothing to standard error as empty, not as a log no longer kept', async () => {
  const root = makeTempDir('sluice-report-');
  const store = openStore(root);
  try {
    const journal = createJournal(store);
    journal.startRun({ id: '20261125-120000-2', command: 'sluice run', startedAt: 1000 });
    const task = makeTask({ cwd: root, id: 1, step: 'quiet', outputs: ['out.txt'] });
    const recorder = createAttemptRecorder(journal, store.dbPath);
    recorder.onRunStarted?.([task]);
    // An empty stream leaves no file: the attempt records no log path.
    recorder.onTaskEnded?.(task, 1, outcome({ status: 'failed', exitCode: 1, startedAt: 1100, endedAt: 1200, stderrLog: '' }), true);
    journal.finishRun('failed', 2000);
    const data = await readReportData(store, findReportRun(store)!, { now: 5000 });
    assert.deepEqual(data.failures[0]?.stderrTail, []);
  } finally {
    store.close();
  }
  const file = path.join(root, 'report.html');
  await writeRunReport({ root, file });
  const html = fs.readFileSync(file, 'utf8');
  assert.match(html, /\(none: nothing was written to standard error\)/);
  assert.doesNotMatch(html, /no longer kept/);
});
