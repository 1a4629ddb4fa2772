// The table of `sluice report --tasks`, from attempt records as the state gives them back.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { formatTaskTable, TASK_TABLE_COLUMNS } from '../../src/report/tasks/format-task-table.ts';
import type { AttemptRecord } from '../../src/state/journal/read-history.ts';

function record(fields: Partial<AttemptRecord>): AttemptRecord {
  return {
    runId: 'r',
    taskKey: JSON.stringify(['step', ['out/a.txt']]),
    taskId: 1,
    step: 'step',
    attempt: 1,
    state: 'succeeded',
    exitCode: 0,
    signal: null,
    logPath: null,
    startedAt: Date.UTC(2026, 11, 3, 10, 0, 0, 250),
    finishedAt: Date.UTC(2026, 11, 3, 10, 0, 1, 500),
    command: null,
    error: null,
    cpuMs: null,
    maxRssKb: null,
    cpuUserUs: null,
    cpuSystemUs: null,
    heapKb: null,
    wildcards: null,
    taskName: null,
    ...fields,
  };
}

it('writes a header and the last attempt of each task, in the order they started', () => {
  const text = formatTaskTable([
    record({ taskId: 2, startedAt: Date.UTC(2026, 11, 3, 10, 0, 5), finishedAt: null, state: 'running', exitCode: null, taskKey: JSON.stringify(['map', [], ['in/x.txt']]), step: 'map' }),
    record({ taskId: 1, attempt: 1, state: 'failed', exitCode: 3 }),
    record({ taskId: 1, attempt: 2, state: 'failed', exitCode: null, signal: 'SIGKILL', cpuUserUs: 1_500_000, cpuSystemUs: 250, cpuMs: 1500, maxRssKb: 70_000, wildcards: { sample: 'A', chunk: '3' } }),
  ]);
  assert.equal(
    text,
    [
      TASK_TABLE_COLUMNS.join('\t'),
      'step\tsample=A, chunk=3\tfailed\t2\t2026-12-03T10:00:00.250Z\t1.250\t1.500000\t0.000250\t70000\t-\t-\tSIGKILL\tout/a.txt',
      'map\t-\trunning\t1\t2026-12-03T10:00:05.000Z\t-\t-\t-\t-\t-\t-\t-\tin/x.txt',
      '',
    ].join('\n'),
  );
});

it('keeps every row on one line and every field in its column, whatever the names hold', () => {
  const hostile = 'a\tb\nc\rd\\e';
  const text = formatTaskTable([
    record({ taskKey: JSON.stringify(['step', [`out/${hostile}`]]), wildcards: { name: hostile, other: 'x=1, y', empty: '' }, heapKb: 2048 }),
  ]);
  const lines = text.split('\n');
  assert.equal(lines.length, 3, 'header, one row, and the final newline');
  const fields = (lines[1] as string).split('\t');
  assert.equal(fields.length, TASK_TABLE_COLUMNS.length);
  const column = (name: string): string => fields[TASK_TABLE_COLUMNS.indexOf(name as (typeof TASK_TABLE_COLUMNS)[number])] as string;
  assert.equal(column('target'), 'out/a\\tb\\nc\\rd\\\\e');
  assert.equal(column('wildcards'), 'name="a\\\\tb\\\\nc\\\\rd\\\\\\\\e", other="x=1, y", empty=""');
  assert.equal(column('heap_kib'), '2048');
  assert.equal(column('max_rss_kib'), '-');
});

it('writes only the header for a run that ran no task', () => {
  assert.equal(formatTaskTable([]), `${TASK_TABLE_COLUMNS.join('\t')}\n`);
});

it('shows no exit code for a function step that threw (it has no process), as the failure report does', () => {
  const text = formatTaskTable([record({ state: 'failed', exitCode: 1, command: "'(function step step in pipeline.ts)'" })]);
  const [header, row] = text.trimEnd().split('\n') as [string, string];
  const exit = header.split('\t').indexOf('exit');
  assert.equal(row.split('\t')[exit], '-');
});
