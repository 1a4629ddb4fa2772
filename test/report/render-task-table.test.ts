// The Tasks table of the HTML report.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { renderTaskTable } from '../../src/report/html/render-task-table.ts';
import type { ReportAttempt } from '../../src/report/html/report-data.ts';

function attempt(fields: Partial<ReportAttempt>): ReportAttempt {
  return {
    taskId: 1,
    step: 'step',
    attempt: 1,
    final: true,
    state: 'failed',
    command: null,
    error: null,
    exitCode: 1,
    signal: null,
    startedAt: 1000,
    endedAt: 2000,
    cpuMs: null,
    maxRssKb: null,
    logPath: null,
    ...fields,
  } as ReportAttempt;
}

function exitCell(html: string): string | undefined {
  return /<td[^>]*data-col="exit"[^>]*>([^<]*)<\/td>/.exec(html)?.[1];
}

it('shows a command\'s exit code, and none for a function step that threw (it has no process)', () => {
  assert.equal(exitCell(renderTaskTable([attempt({ command: "sh -c 'exit 1'" })], 0)), '1');
  const html = renderTaskTable([attempt({ command: "'(function step step in pipeline.ts)'" })], 0);
  assert.notEqual(exitCell(html), '1', html);
});
