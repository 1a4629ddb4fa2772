import path from 'node:path';
import { computeStepStats } from './step-stats.ts';
import { escapeHtml } from './escape-html.ts';
import { formatDuration, formatTime } from './format-units.ts';
import { renderFailureLinks, renderFailures } from './render-failures.ts';
import { renderStepTable } from './render-step-table.ts';
import { renderTaskTable } from './render-task-table.ts';
import { MAX_BARS, renderStepColours, renderTimeline, stepColour } from './render-timeline.ts';
import type { ReportData } from './report-data.ts';
import { REPORT_STYLE } from './report-style.ts';

// No script, and nothing but the file itself: the policy makes the browser refuse any network
// request or script, should an escaping bug ever let one through.
const CONTENT_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

/** The whole report as one self-contained HTML page. */
export function renderReport(data: ReportData): string {
  const { run } = data;
  const stats = computeStepStats(data.steps, data.attempts);
  const total = stats[stats.length - 1];
  const summary =
    total === undefined
      ? 'no tasks'
      : [
          `${total.tasks} task${total.tasks === 1 ? '' : 's'}`,
          `${total.succeeded} succeeded`,
          ...(total.failed > 0 ? [`${total.failed} failed`] : []),
          ...(total.upToDate > 0 ? [`${total.upToDate} up to date`] : []),
          ...(total.notRun + total.cancelled > 0 ? [`${total.notRun + total.cancelled} not run`] : []),
        ].join(', ');
  const details: Array<[string, string]> = [
    ['Status', `<span class="status ${escapeHtml(run.status)}">${escapeHtml(run.status)}</span> ${escapeHtml(summary)}`],
    ['Command', `<code>${escapeHtml(run.command)}</code>`],
    ['Folder', `<code>${escapeHtml(run.root)}</code> on ${escapeHtml(run.hostname)}`],
    ['Started', escapeHtml(formatTime(run.startedAt))],
    ['Duration', escapeHtml(formatDuration(run.endedAt - run.startedAt))],
  ];
  const stepNames = [...new Set([...data.steps.map((step) => step.name), ...data.attempts.map((attempt) => attempt.step)])];
  const measured = data.attempts.some((attempt) => attempt.cpuMs !== null);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="sluice">
<title>sluice run ${escapeHtml(run.id)} (${escapeHtml(run.status)}) ${escapeHtml(path.basename(run.root))}</title>
<style>${REPORT_STYLE}</style>
</head>
<body>
<header>
<h1>sluice run <span class="run-id">${escapeHtml(run.id)}</span></h1>
<dl class="run">${details.map(([term, value]) => `<dt>${term}</dt><dd>${value}</dd>`).join('')}</dl>
</header>
<section id="steps">
<h2>Steps</h2>
${renderStepTable(stats)}
<p class="note">Wall time adds up each task's attempts; median and max are per task.${
    measured
      ? ' CPU time is user + system time of a task and the processes it waited for (of a function step: of its worker thread).' +
        ' Peak memory is the resident size of its largest' +
        " process; a process started by sluice's launcher counts the launcher's own size (about 10–15 MiB) until it runs its program," +
        ' so smaller values read as “at most that”.'
      : ' CPU time and memory were not measured for this run.'
  }</p>
</section>
<section id="tasks">
<h2>Tasks</h2>
${renderTaskTable(data.attempts, run.startedAt)}
<p class="note">Each task's last attempt. Peak RSS: a command's largest process. Heap: what a function step's worker thread held when the function ended (V8's heap, which stays grown after a peak, and Buffers), shared with the tasks that ran on that thread before it. – where not measured.</p>
</section>
<section id="timeline">
<h2>Timeline</h2>
<style>${renderStepColours(stepNames)}</style>
<div class="legend">${stepNames.map((step, index) => `<span style="--c: ${stepColour(index)}">${escapeHtml(step)}</span>`).join('')}<span style="--c: var(--bad)">failed</span><span style="--c: var(--bad); --o: 0.5">failed, then retried</span><span style="--c: var(--late)">timed out</span><span style="--c: var(--off)">cancelled or interrupted</span></div>
${renderTimeline(data.attempts, run.startedAt, run.endedAt, stepNames)}
${renderFailureLinks(data.failures, Math.min(data.attempts.length, MAX_BARS), data.attempts)}
</section>
<section id="failures">
<h2>Failures</h2>
${renderFailures(data.failures, run.root)}
</section>
<footer>Made by sluice at ${escapeHtml(formatTime(data.generatedAt))} from <code>${escapeHtml(path.join(run.root, '.sluice', 'state.db'))}</code>.</footer>
</body>
</html>
`;
}
