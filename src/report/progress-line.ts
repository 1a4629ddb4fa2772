import type { Writable } from 'node:stream';
import type { RunListener } from '../schedule/run-events.ts';
import { chooseColours, type Colours } from './choose-colours.ts';

export interface ProgressOptions {
  readonly err: Writable & { isTTY?: boolean; columns?: number };
  /** Redraw interval on a terminal. */
  readonly redrawMs?: number;
  /** Off a terminal: how often a plain "still running" line is printed. */
  readonly plainEveryMs?: number;
  /** Default: chosen for `err` from the environment (NO_COLOR, FORCE_COLOR). */
  readonly colours?: Colours;
}

export interface ProgressLine extends RunListener {
  /** Erases the live line so other output can be written; it comes back on the next redraw. */
  clear(): void;
}

/** What the line shows; a pure function of it draws the line for a width. */
export interface Progress {
  readonly total: number;
  readonly done: number;
  readonly running: number;
  readonly failed: number;
  readonly elapsedMs: number;
}

/**
 * A live line on a terminal (percentage, done / running / failed of total, elapsed time, ETA),
 * redrawn in place and never wider than the terminal, so it never wraps; off a terminal, no
 * control codes, only an occasional plain line so long runs show they are alive.
 */
export function createProgressLine(options: ProgressOptions): ProgressLine {
  const tty = options.err.isTTY === true;
  const colours = options.colours ?? chooseColours(options.err);
  let total = 0;
  let done = 0;
  let running = 0;
  let failed = 0;
  let startedAt = 0;
  let shown = false;
  let timer: NodeJS.Timeout | undefined;

  const progress = (): Progress => ({ total, done, running, failed, elapsedMs: Date.now() - startedAt });

  const redraw = (): void => {
    if (tty) {
      // One column is left free: writing the last one makes some terminals wrap.
      options.err.write(`\r\x1b[K${formatProgress(progress(), Math.max(readColumns(options.err) - 1, 1), colours)}`);
      shown = true;
    } else options.err.write(`${formatPlainProgress(progress())}\n`);
  };

  const clear = (): void => {
    if (tty && shown) {
      options.err.write('\r\x1b[K');
      shown = false;
    }
  };

  return {
    clear,
    onRunStarted(tasks, settled) {
      total = tasks.length + (settled?.count ?? 0);
      done += settled?.count ?? 0;
      startedAt = Date.now();
      const every = tty ? (options.redrawMs ?? 200) : (options.plainEveryMs ?? 60_000);
      timer = setInterval(redraw, every);
      timer.unref();
      if (tty) redraw();
    },
    onTaskStarted() {
      running++;
    },
    onTaskUpToDate() {
      done++;
    },
    onTaskEnded(_task, _attempt, outcome, final) {
      running--;
      if (!final) return;
      if (outcome.status === 'succeeded') done++;
      else failed++;
    },
    onRunEnded() {
      clearInterval(timer);
      clear();
    },
  };
}

// A terminal that does not tell its size (a pseudo-terminal never sized says 0) is taken as 80 wide.
function readColumns(stream: { columns?: number }): number {
  const columns = stream.columns;
  return columns === undefined || !Number.isFinite(columns) || columns <= 0 ? 80 : columns;
}

/** Off a terminal: `sluice: 3 done, 2 running, 0 failed, 10 total, ETA 5s`. */
export function formatPlainProgress(progress: Progress): string {
  const eta = estimateSeconds(progress);
  return `sluice: ${progress.done} done, ${progress.running} running, ${progress.failed} failed, ${progress.total} total${eta === undefined ? '' : `, ETA ${formatClock(eta)}`}`;
}

/**
 * The terminal line, in the longest of its forms that fits `width` columns (cut to the width
 * if even the shortest does not): `sluice: 45% 9/20 done, 2 running, 1 failed, 12s elapsed, ETA 15s`
 * down to `45% 9/20 ✗1 12s ETA 15s`.
 */
export function formatProgress(progress: Progress, width: number, colours: Colours): string {
  const { total, done, running, failed } = progress;
  const finished = done + failed;
  const percent = `${total === 0 ? 100 : Math.floor((finished / total) * 100)}%`;
  const elapsed = formatClock(progress.elapsedMs / 1000, Math.floor);
  const seconds = estimateSeconds(progress);
  const eta = seconds === undefined ? undefined : `ETA ${formatClock(seconds)}`;
  // Each form as pieces of text, with how to paint each piece.
  type Piece = readonly [string, (text: string) => string];
  const plain = String;
  const bad = failed > 0 ? colours.bad : plain;
  const ok = finished > 0 ? colours.ok : plain;
  const forms: Array<readonly Piece[]> = [
    [['sluice: ', plain], [`${percent} `, plain], [`${finished}/${total} done`, ok], [`, ${running} running, `, plain], [`${failed} failed`, bad], [`, ${elapsed} elapsed${eta === undefined ? '' : `, ${eta}`}`, plain]],
    [[`${percent} `, plain], [`${finished}/${total}`, ok], [`, ${running} running, `, plain], [`${failed} failed`, bad], [`, ${elapsed}${eta === undefined ? '' : `, ${eta}`}`, plain]],
    [[`${percent} `, plain], [`${finished}/${total}`, ok], [failed > 0 ? ' ' : '', plain], [failed > 0 ? `✗${failed}` : '', bad], [` ${elapsed}${eta === undefined ? '' : ` ${eta}`}`, plain]],
    [[`${percent} `, plain], [`${finished}/${total}`, ok], [failed > 0 ? ' ' : '', plain], [failed > 0 ? `✗${failed}` : '', bad]],
  ];
  const fits = forms.find((form) => form.reduce((sum, [text]) => sum + text.length, 0) <= width) ?? (forms[forms.length - 1] as readonly Piece[]);
  let room = width;
  let line = '';
  for (const [text, paintPiece] of fits) {
    const cut = text.slice(0, Math.max(room, 0));
    room -= cut.length;
    line += paintPiece(cut);
  }
  return line;
}

function estimateSeconds(progress: Progress): number | undefined {
  const finished = progress.done + progress.failed;
  const left = progress.total - finished;
  if (finished === 0 || left <= 0) return undefined;
  const rate = finished / Math.max(progress.elapsedMs / 1000, 0.001);
  return left / rate;
}

/** `12s`, `3m05s`, `2h07m`. */
export function formatClock(seconds: number, round: (x: number) => number = Math.ceil): string {
  if (seconds < 60) return `${round(seconds)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(Math.floor(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
}
