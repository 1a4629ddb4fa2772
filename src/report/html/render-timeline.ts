import { describeAttemptEnd } from '../../kernel/describe-attempt-end.ts';
import { assignLanes } from './assign-lanes.ts';
import { escapeHtml } from './escape-html.ts';
import { formatDuration, formatKib } from './format-units.ts';
import { readFunctionCommand } from '../../kernel/function-command.ts';
import type { ReportAttempt } from './report-data.ts';
import { nameAttempt } from './name-attempt.ts';

const LANE_HEIGHT = 16;
const BAR_HEIGHT = 12;
const AXIS_HEIGHT = 20;
/** Bars beyond this are left out: the file would grow past what a browser opens comfortably. */
export const MAX_BARS = 20_000;
/** A bar is at least this wide (percent of the run), so that a 5 ms task still shows. */
const MIN_WIDTH = 0.08;
/** A failed task's bar is at least this wide (percent), and a marker of fixed pixels crosses every lane. */
const MIN_FAILED_WIDTH = 0.4;

/**
 * The run as an SVG: one lane per slot in use, one bar per attempt, x in percent of the run's
 * span so the drawing fills any width without stretching its text. Each bar's `<title>` is its
 * tooltip.
 */
export function renderTimeline(attempts: readonly ReportAttempt[], runStart: number, runEnd: number, steps: readonly string[] = []): string {
  if (attempts.length === 0) return '<p class="empty">No task ran in this run.</p>';
  const shown = attempts.length > MAX_BARS ? attempts.slice(0, MAX_BARS) : attempts;
  const start = Math.min(runStart, lowest(shown, (a) => a.startedAt));
  const end = Math.max(runEnd, -lowest(shown, (a) => -a.endedAt), start + 1);
  const span = end - start;
  const { lanes, laneCount } = assignLanes(shown.map((a) => ({ start: a.startedAt, end: a.endedAt })));
  const height = AXIS_HEIGHT + laneCount * LANE_HEIGHT;
  const percent = (ms: number): string => `${((ms / span) * 100).toFixed(3)}%`;
  const stripes: string[] = [];
  for (let lane = 1; lane < laneCount; lane += 2) {
    stripes.push(`<rect class="stripe" x="0" y="${AXIS_HEIGHT + lane * LANE_HEIGHT}" width="100%" height="${LANE_HEIGHT}"/>`);
  }
  const stepIndex = new Map(steps.map((step, index) => [step, index]));
  const bars: string[] = [];
  const marks: string[] = [];
  shown.forEach((attempt, index) => {
    const lane = lanes[index] as number;
    const failedForGood = attempt.final && (attempt.state === 'failed' || attempt.state === 'timed out');
    const x = ((attempt.startedAt - start) / span) * 100;
    const width = Math.max(failedForGood ? MIN_FAILED_WIDTH : MIN_WIDTH, ((attempt.endedAt - attempt.startedAt) / span) * 100);
    const left = Math.max(0, Math.min(x, 100 - width));
    const y = AXIS_HEIGHT + lane * LANE_HEIGHT + (LANE_HEIGHT - BAR_HEIGHT) / 2;
    const colour = stepIndex.get(attempt.step);
    const bar =
      `<rect class="bar ${barClass(attempt)}${colour === undefined ? '' : ` s${colour}`}"${failedForGood ? ` id="${failureAnchor(attempt.taskId)}"` : ''} ` +
      `x="${left.toFixed(3)}%" y="${y}" width="${width.toFixed(3)}%" height="${BAR_HEIGHT}" data-step="${escapeHtml(attempt.step)}" ` +
      `data-task="${attempt.taskId}" data-attempt="${attempt.attempt}" data-state="${escapeHtml(attempt.state)}">` +
      `<title>${escapeHtml(describeBar(attempt, lane))}</title></rect>`;
    if (!failedForGood) return void bars.push(bar);
    // Drawn last, over the other bars, with a mark of fixed width down the whole height: one
    // failure among thousands of tasks still shows.
    const middle = `${(left + width / 2).toFixed(3)}%`;
    marks.push(`<line class="fail-mark" x1="${middle}" x2="${middle}" y1="0" y2="${height}" data-task="${attempt.taskId}"/>`, bar);
  });
  const ticks = chooseTicks(span).map((ms) => {
    const anchor = ms / span > 0.97 ? 'end' : ms === 0 ? 'start' : 'middle';
    return (
      `<line class="tick" x1="${percent(ms)}" x2="${percent(ms)}" y1="${AXIS_HEIGHT - 4}" y2="${height}"/>` +
      `<text x="${percent(ms)}" y="${AXIS_HEIGHT - 7}" text-anchor="${anchor}">${escapeHtml(formatDuration(ms))}</text>`
    );
  });
  const note =
    shown.length < attempts.length
      ? `<p class="note">The timeline shows the first ${shown.length.toLocaleString('en')} of ${attempts.length.toLocaleString('en')} attempts; the table counts them all.</p>`
      : '';
  return [
    `<p class="caption">${laneCount} lane${laneCount === 1 ? '' : 's'}: at most ${laneCount} task${laneCount === 1 ? '' : 's'} ran at once. Hover a bar for its task.</p>`,
    `<svg class="timeline" width="100%" height="${height}" role="img" aria-label="Timeline of ${shown.length} task attempts">`,
    ...stripes,
    ...ticks,
    ...bars,
    ...marks,
    '</svg>',
    note,
  ].join('\n');
}

/** The id of a failed task's last bar in the timeline, which the failures link to. */
export function failureAnchor(taskId: number): string {
  return `task-${taskId}`;
}

/**
 * A colour per step for the bars of tasks that succeeded: hues spread by the golden angle, kept
 * away from the reds and oranges that mean failed and timed out.
 */
export function stepColour(index: number): string {
  const hue = 45 + ((index * 137.508) % 270);
  return `hsl(${hue.toFixed(1)} 55% 45%)`;
}

/** The rules that paint each step's bars, and its legend chips. */
export function renderStepColours(steps: readonly string[]): string {
  return steps.map((_, index) => `.bar.succeeded.s${index} { fill: ${stepColour(index)}; }`).join('\n');
}

// Math.min(...array) overflows the stack past ~100k elements: fold instead.
function lowest(attempts: readonly ReportAttempt[], pick: (attempt: ReportAttempt) => number): number {
  let low = Infinity;
  for (const attempt of attempts) low = Math.min(low, pick(attempt));
  return low;
}

function barClass(attempt: ReportAttempt): string {
  switch (attempt.state) {
    case 'succeeded':
      return 'succeeded';
    case 'failed':
      return attempt.final ? 'failed' : 'failed retried';
    case 'timed out':
      return attempt.final ? 'timed-out' : 'timed-out retried';
    default:
      return 'cancelled';
  }
}

/** The tooltip: the task's name (step and wildcards), command, duration and how it ended. */
export function describeBar(attempt: ReportAttempt, lane: number): string {
  const lines = [
    `${nameAttempt(attempt)}${attempt.attempt > 1 || !attempt.final ? ` · attempt ${attempt.attempt}` : ''} · lane ${lane + 1}`,
    attempt.command ?? '(command not recorded)',
    `${formatDuration(attempt.endedAt - attempt.startedAt)} · ${describeEnd(attempt)}${attempt.final ? '' : ' · retried'}`,
  ];
  const usage = [
    attempt.cpuMs === null ? undefined : `CPU ${formatDuration(attempt.cpuMs)}`,
    attempt.maxRssKb === null ? undefined : `peak memory ${formatKib(attempt.maxRssKb)}`,
  ].filter((part) => part !== undefined);
  if (usage.length > 0) lines.push(usage.join(' · '));
  return lines.join('\n');
}

/** How an attempt ended, in words: `exit code 0`, `killed by SIGSEGV (segmentation fault)`, `timed out`, `interrupted`. */
export function describeEnd(attempt: Pick<ReportAttempt, 'state' | 'exitCode' | 'signal' | 'error'> & { readonly command?: string | null }): string {
  const parts: string[] = [];
  const { state } = attempt;
  if (state === 'running') parts.push('never ended');
  else if (state === 'interrupted') parts.push(state);
  // A function step's exit code is sluice's bookkeeping, not a process's.
  else if (state === 'timed out' || state === 'cancelled' || attempt.signal !== null || (attempt.exitCode !== null && readFunctionCommand(attempt.command ?? null) === undefined)) {
    parts.push(describeAttemptEnd({ exitCode: attempt.exitCode, signal: attempt.signal, timedOut: state === 'timed out', cancelled: state === 'cancelled' }));
  }
  if (attempt.error !== null && state !== 'succeeded') parts.push(attempt.error);
  return parts.length === 0 ? state : parts.join(', ');
}

/** Round tick positions (1, 2 or 5 times a power of ten seconds), 4 to 10 of them. */
export function chooseTicks(spanMs: number): number[] {
  const rough = spanMs / 8;
  const power = 10 ** Math.floor(Math.log10(Math.max(rough, 1)));
  const step = [1, 2, 5, 10].map((factor) => factor * power).find((candidate) => candidate >= rough) ?? 10 * power;
  const ticks: number[] = [];
  for (let at = 0; at <= spanMs; at += step) ticks.push(at);
  return ticks;
}
