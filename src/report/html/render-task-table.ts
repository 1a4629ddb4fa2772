import { readFunctionCommand } from '../../kernel/function-command.ts';
import { escapeHtml } from './escape-html.ts';
import { formatDuration, formatKib } from './format-units.ts';
import type { ReportAttempt } from './report-data.ts';

/** Rows the page shows; `sluice report --tasks FILE.tsv` writes every task. */
export const MAX_TASK_ROWS = 1000;

/**
 * One row per task that ran (its last attempt), in the order they started: how long it took,
 * what it used and how it ended. Empty when the run ran no task.
 */
export function renderTaskTable(attempts: readonly ReportAttempt[], runStartedAt: number): string {
  const tasks = attempts.filter((attempt) => attempt.final);
  if (tasks.length === 0) return '<p class="empty">No task ran.</p>';
  const shown = tasks.slice(0, MAX_TASK_ROWS);
  const columns = ['Step', 'Task', 'Status', 'Attempt', 'Started', 'Wall', 'CPU user', 'CPU system', 'Peak RSS', 'Heap', 'Exit'];
  const rows = shown.map((task) => {
    const cells = [
      `<th scope="row">${escapeHtml(task.step)}</th>`,
      `<td class="task" data-col="task">${escapeHtml(nameOf(task))}</td>`,
      `<td class="state ${escapeHtml(task.state.replace(' ', '-'))}" data-col="status">${escapeHtml(task.state)}</td>`,
      cell('attempt', String(task.attempt)),
      cell('start', `+${formatDuration(Math.max(0, task.startedAt - runStartedAt))}`),
      cell('wall', formatDuration(task.endedAt - task.startedAt)),
      cell('cpu-user', task.cpuUserUs == null ? undefined : formatDuration(task.cpuUserUs / 1000)),
      cell('cpu-system', task.cpuSystemUs == null ? undefined : formatDuration(task.cpuSystemUs / 1000)),
      cell('max-rss', task.maxRssKb === null ? undefined : formatKib(task.maxRssKb)),
      cell('heap', task.heapKb == null ? undefined : formatKib(task.heapKb)),
      cell('exit', task.exitCode === null || readFunctionCommand(task.command) !== undefined ? (task.signal ?? undefined) : String(task.exitCode)),
    ];
    return `<tr data-task="${task.taskId}" data-step="${escapeHtml(task.step)}">${cells.join('')}</tr>`;
  });
  const more =
    tasks.length > shown.length
      ? `\n<p class="note">The first ${shown.length} of ${tasks.length} tasks; <code>sluice report --tasks FILE.tsv</code> writes them all.</p>`
      : '';
  return [
    '<table class="tasks">',
    `<thead><tr>${columns.map((label) => `<th scope="col">${label}</th>`).join('')}</tr></thead>`,
    `<tbody>${rows.join('\n')}</tbody>`,
    '</table>',
  ].join('\n') + more;
}

function cell(name: string, text: string | undefined): string {
  return `<td class="num" data-col="${name}">${text === undefined ? '–' : escapeHtml(text)}</td>`;
}

// `sample=A, chunk=3`, or the file the task makes (reads, without outputs) when it has no wildcards.
function nameOf(task: ReportAttempt): string {
  const wildcards = Object.entries(task.wildcards ?? {});
  if (wildcards.length > 0) return wildcards.map(([key, value]) => `${key}=${value}`).join(', ');
  return task.target ?? `task ${task.taskId}`;
}
