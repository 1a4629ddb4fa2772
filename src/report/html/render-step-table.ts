import { escapeHtml } from './escape-html.ts';
import { formatDuration, formatKib } from './format-units.ts';
import type { Spread, StepStats } from './step-stats.ts';

/** The per-step table; CPU and memory columns only when some task's were measured. */
export function renderStepTable(rows: readonly StepStats[]): string {
  const measured = rows.some((row) => row.cpu !== null || row.maxRssKb !== null);
  const groups = [
    '<th scope="col" rowspan="2">Step</th>',
    '<th scope="colgroup" colspan="6">Tasks</th>',
    '<th scope="colgroup" colspan="3">Wall time</th>',
    ...(measured ? ['<th scope="colgroup" colspan="2">CPU time</th>', '<th scope="colgroup" colspan="2">Peak memory</th>'] : []),
  ];
  const columns = [
    'all', 'succeeded', 'failed', 'up to date', 'not run', 'attempts',
    'total', 'median', 'max',
    ...(measured ? ['total', 'max', 'median', 'max'] : []),
  ];
  const body = rows.map((row) => {
    const notRun = row.notRun + row.cancelled;
    const cells = [
      row.step === '' ? '<th scope="row">all steps</th>' : `<th scope="row">${escapeHtml(row.step)}</th>`,
      count('tasks', row.tasks),
      count('succeeded', row.succeeded),
      count('failed', row.failed),
      count('up-to-date', row.upToDate),
      count('not-run', notRun, row.cancelled > 0 ? `${row.cancelled} cancelled or interrupted` : undefined),
      count('attempts', row.attempts),
      ...spreadCells('wall', row.wall, formatDuration, ['total', 'median', 'max']),
      ...(measured
        ? [...spreadCells('cpu', row.cpu, formatDuration, ['total', 'max']), ...spreadCells('memory', row.maxRssKb, formatKib, ['median', 'max'])]
        : []),
    ];
    return `<tr${row.step === '' ? ' class="total"' : ''} data-step="${escapeHtml(row.step)}">${cells.join('')}</tr>`;
  });
  return [
    '<table class="steps">',
    `<thead><tr>${groups.join('')}</tr>`,
    `<tr>${columns.map((label) => `<th scope="col">${label}</th>`).join('')}</tr></thead>`,
    `<tbody>${body.join('\n')}</tbody>`,
    '</table>',
  ].join('\n');
}

function count(name: string, value: number, title?: string): string {
  const attributes = `class="num ${name}${value > 0 && (name === 'failed' || name === 'not-run') ? ' bad' : ''}" data-col="${name}"`;
  return `<td ${attributes}${title === undefined ? '' : ` title="${escapeHtml(title)}"`}>${value}</td>`;
}

function spreadCells(
  name: string,
  spread: Spread | null,
  format: (value: number) => string,
  parts: ReadonlyArray<'total' | 'median' | 'max'>,
): string[] {
  return parts.map((part) => `<td class="num" data-col="${name}-${part}">${spread === null ? '–' : format(spread[part])}</td>`);
}
