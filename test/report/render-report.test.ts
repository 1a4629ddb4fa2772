import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeHtml } from '../../src/report/html/escape-html.ts';
import { formatDuration, formatKib } from '../../src/report/html/format-units.ts';
import { renderReport } from '../../src/report/html/render-report.ts';
import { chooseTicks, describeBar, MAX_BARS } from '../../src/report/html/render-timeline.ts';
import { attempt, reportData } from './report-fixtures.ts';

const HOSTILE = `<script>alert(1)</script>"'&<img src=x onerror=alert(2)>`;

describe('renderReport', () => {
  it('escapes what comes from step names, commands, stderr, paths and the run command', () => {
    const failed = attempt({
      step: HOSTILE,
      taskId: 3,
      state: 'failed',
      exitCode: 1,
      command: `cat ${HOSTILE}`,
      error: HOSTILE,
      logPath: `/work/project/.sluice/logs/${HOSTILE}`,
    });
    const html = renderReport(
      reportData({
        run: { ...reportData().run, command: `sluice map --in ${HOSTILE}`, root: `/tmp/${HOSTILE}`, hostname: HOSTILE },
        steps: [{ name: HOSTILE, tasks: 1, upToDate: 0 }],
        attempts: [failed],
        failures: [{ attempt: failed, attempts: 1, stderrTail: [HOSTILE, '</pre></article><script>alert(3)</script>'] }],
      }),
    );
    assert.doesNotMatch(html, /<script/i);
    assert.doesNotMatch(html, /<img/i);
    assert.ok(html.includes(escapeHtml(HOSTILE)));
    // The one way to reach out of the file would be a URL: no tag has one, and the policy forbids it.
    // Links within the page (`href="#task-1"`, from a failure to its bar) are the one exception.
    const tags = (html.match(/<[a-z][^>]*>/gi) ?? []).map((tag) => tag.replace(/ href="#[\w-]+"/g, '').replace(/"[^"]*"/g, '""'));
    assert.deepEqual(tags.filter((tag) => /\s(?:src|href|action|on\w+)\s*=/i.test(tag)), []);
    assert.doesNotMatch(html, /url\(|@import/i);
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none';/);
  });

  it('draws one bar per attempt, coloured by how it ended, and leaves out bars past the limit', () => {
    const attempts = [
      attempt({ taskId: 1 }),
      attempt({ taskId: 2, attempt: 1, final: false, state: 'failed', exitCode: 2 }),
      attempt({ taskId: 2, attempt: 2, startedAt: 100, endedAt: 200 }),
      attempt({ taskId: 3, state: 'timed out', exitCode: null, signal: 'SIGTERM' }),
      attempt({ taskId: 4, state: 'cancelled', exitCode: null }),
    ];
    const html = renderReport(reportData({ steps: [{ name: 's', tasks: 4, upToDate: 0 }], attempts }));
    const bars = [...html.matchAll(/<rect class="bar ([^"]+)"/g)].map((match) => match[1]);
    // Coloured by step (`s0`), and a task that failed for good drawn last, over the others.
    assert.deepEqual(bars, ['succeeded s0', 'failed retried s0', 'succeeded s0', 'cancelled s0', 'timed-out s0']);
    assert.match(html, /4 lanes: at most 4 tasks ran at once/);

    const many = Array.from({ length: MAX_BARS + 5 }, (_, index) => attempt({ taskId: index + 1, startedAt: index, endedAt: index + 1 }));
    const big = renderReport(reportData({ attempts: many }));
    assert.equal([...big.matchAll(/<rect class="bar /g)].length, MAX_BARS);
    assert.match(big, /shows the first 20,000 of 20,005 attempts/);
  });

  it('says so when nothing ran or failed', () => {
    const html = renderReport(reportData({ steps: [{ name: 's', tasks: 2, upToDate: 2 }] }));
    assert.match(html, /No task ran in this run/);
    assert.match(html, /No task failed/);
    assert.match(html, /CPU time and memory were not measured/);
  });

  it('shows a failure with its command, status, log and stderr tail', () => {
    const failed = attempt({ taskId: 7, attempt: 2, state: 'timed out', exitCode: null, signal: 'SIGTERM', command: "sleep 'a b'", logPath: '/work/project/.sluice/logs/r/7.2.err', startedAt: 0, endedAt: 1500 });
    const html = renderReport(reportData({ attempts: [failed], failures: [{ attempt: failed, attempts: 2, stderrTail: ['one', 'two'] }] }));
    assert.match(html, /<pre class="command"><code>sleep &#39;a b&#39;<\/code><\/pre>/);
    assert.match(html, /signal SIGTERM[^,]*, timed out/);
    assert.match(html, /<code class="log">\.sluice\/logs\/r\/7\.2\.err<\/code>/);
    assert.match(html, /<pre class="stderr">one\ntwo<\/pre>/);
    assert.match(html, /attempt 2 of 2/);
  });
});

describe('the pieces', () => {
  it('writes a tooltip with the task named by step and wildcards, command, duration and exit status', () => {
    const fields = { step: 'align', taskId: 4, attempt: 2, command: 'bowtie2 -x idx', exitCode: 3, state: 'failed', startedAt: 0, endedAt: 2500, cpuMs: 2000, maxRssKb: 2048 } as const;
    const text = describeBar(attempt({ ...fields, name: 'align[sample=A]', target: 'out/A.sam' }), 1);
    assert.equal(text, 'align[sample=A] · attempt 2 · lane 2\nbowtie2 -x idx\n2.50 s · exit code 3\nCPU 2.00 s · peak memory 2.0 MiB');
    // A run recorded before names were kept: the step and the file the task makes, no task number.
    assert.match(describeBar(attempt({ ...fields, target: 'out/A.sam' }), 1), /^align · out\/A\.sam · attempt 2 · lane 2\n/);
  });

  it('formats durations and sizes', () => {
    assert.deepEqual([5, 999, 1500, 12_345, 65_000, 3_725_000].map(formatDuration), ['5 ms', '999 ms', '1.50 s', '12.3 s', '1 min 05 s', '1 h 02 min']);
    assert.deepEqual([512, 2048, 200 * 1024, 3 * 1024 * 1024].map(formatKib), ['512 KiB', '2.0 MiB', '200 MiB', '3.00 GiB']);
  });

  it('puts 4 to 10 ticks at round times', () => {
    assert.deepEqual(chooseTicks(1000), [0, 200, 400, 600, 800, 1000]);
    assert.deepEqual(chooseTicks(95_000), [0, 20_000, 40_000, 60_000, 80_000]);
    for (const span of [1, 7, 333, 4_321, 86_400_000]) {
      const count = chooseTicks(span).length;
      assert.ok(count >= 1 && count <= 11, `${span}: ${count}`);
    }
  });
});
