import path from 'node:path';
import { listAttemptEnd } from '../../kernel/describe-attempt-end.ts';
import { escapeHtml } from './escape-html.ts';
import { formatDuration, formatKib } from './format-units.ts';
import type { ReportFailure } from './report-data.ts';
import { readFunctionCommand } from '../../kernel/function-command.ts';
import { failureAnchor } from './render-timeline.ts';
import { nameAttempt } from './name-attempt.ts';

/** More failures than this are counted, not shown: the first ones usually tell the story. */
export const MAX_FAILURES_SHOWN = 200;

/** Under the timeline: each failed task, linked to its bar and to its report below. */
export function renderFailureLinks(failures: readonly ReportFailure[], barsShown: number, attempts: readonly ReportFailure['attempt'][]): string {
  if (failures.length === 0) return '';
  const drawn = new Set(attempts.slice(0, barsShown).map((attempt) => attempt.taskId));
  const items = failures.slice(0, MAX_FAILURES_SHOWN).map(({ attempt }) => {
    const name = escapeHtml(nameAttempt(attempt));
    const where = drawn.has(attempt.taskId) ? `<a href="#${failureAnchor(attempt.taskId)}">${name}</a>` : name;
    return `<li>${where} <span class="quiet">${escapeHtml(describeStatus(attempt))}</span> · <a href="#failure-${attempt.taskId}">details</a></li>`;
  });
  const more = failures.length > items.length ? `<li class="quiet">…and ${failures.length - items.length} more</li>` : '';
  return `<p class="caption">${failures.length} failed task${failures.length === 1 ? '' : 's'}, each marked by a red line above:</p>\n<ul class="failed-list">${items.join('')}${more}</ul>`;
}

/** Each task that failed for good: command to paste, status, duration, log and stderr tail. */
export function renderFailures(failures: readonly ReportFailure[], root: string): string {
  if (failures.length === 0) return '<p class="empty">No task failed.</p>';
  const shown = failures.slice(0, MAX_FAILURES_SHOWN).map((failure) => renderFailure(failure, root));
  if (failures.length > shown.length) {
    shown.push(`<p class="note">…and ${failures.length - shown.length} more failed tasks; <code>sluice status</code> lists them.</p>`);
  }
  return shown.join('\n');
}

function renderFailure({ attempt, attempts, stderrTail }: ReportFailure, root: string): string {
  const heading =
    `✗ ${escapeHtml(nameAttempt(attempt))}` +
    (attempts > 1 ? ` <span class="quiet">(attempt ${attempt.attempt} of ${attempts})</span>` : '');
  const usage = [
    attempt.cpuMs === null ? undefined : `CPU ${formatDuration(attempt.cpuMs)}`,
    attempt.maxRssKb === null ? undefined : `peak memory ${formatKib(attempt.maxRssKb)}`,
  ].filter((part) => part !== undefined);
  const fn = readFunctionCommand(attempt.command);
  const rows = [
    fn !== undefined ? ['Function', `<code>${escapeHtml(`${fn.step}() in ${showPath(fn.module, root)}`)}</code>`] : ['Command', attempt.command === null ? '<span class="quiet">(not recorded)</span>' : `<pre class="command"><code>${escapeHtml(attempt.command)}</code></pre>`],
    ['Status', escapeHtml(describeStatus(attempt))],
    ['Duration', escapeHtml(formatDuration(attempt.endedAt - attempt.startedAt) + (usage.length > 0 ? ` (${usage.join(', ')})` : ''))],
    ['Log', attempt.logPath === null ? '<span class="quiet">(none: nothing was written to standard error)</span>' : `<code class="log">${escapeHtml(showPath(attempt.logPath, root))}</code>`],
    ['stderr', renderTail(stderrTail)],
  ];
  return [
    `<article class="failure" id="failure-${attempt.taskId}" data-step="${escapeHtml(attempt.step)}" data-task="${attempt.taskId}">`,
    `<h3>${heading}<a class="where" href="#${failureAnchor(attempt.taskId)}">show in the timeline</a></h3>`,
    `<dl>${rows.map(([term, value]) => `<dt>${term}</dt><dd>${value}</dd>`).join('')}</dl>`,
    '</article>',
  ].join('\n');
}

function describeStatus(attempt: ReportFailure['attempt']): string {
  const isFunction = readFunctionCommand(attempt.command) !== undefined;
  const status = listAttemptEnd({ exitCode: attempt.exitCode, signal: attempt.signal, timedOut: attempt.state === 'timed out', isFunction });
  return [attempt.error, status].filter((part) => part !== null && part !== undefined).join(', ') || 'failed';
}

function renderTail(tail: readonly string[] | null): string {
  if (tail === null) return '<span class="quiet">(log no longer kept)</span>';
  if (tail.length === 0) return '<span class="quiet">(empty)</span>';
  return `<pre class="stderr">${escapeHtml(tail.join('\n'))}</pre>`;
}

/** Inside the run's folder, relative to it (`.sluice/logs/…`); elsewhere as recorded. */
function showPath(file: string, root: string): string {
  const relative = path.relative(root, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}
