import type { Writable } from 'node:stream';
import type { RunListener } from '../schedule/run-events.ts';

export interface ProgressOptions {
  readonly err: Writable & { isTTY?: boolean };
  /** Redraw interval on a terminal. */
  readonly redrawMs?: number;
  /** Off a terminal: how often a plain "still running" line is printed. */
  readonly plainEveryMs?: number;
}

export interface ProgressLine extends RunListener {
  /** Erases the live line so other output can be written; it comes back on the next redraw. */
  clear(): void;
}

/**
 * A live "done / running / failed / total, ETA" line on a terminal; off a terminal, no control
 * codes, only an occasional plain line so long runs show they are alive.
 */
export function createProgressLine(options: ProgressOptions): ProgressLine {
  const tty = options.err.isTTY === true;
  let total = 0;
  let done = 0;
  let running = 0;
  let failed = 0;
  let startedAt = 0;
  let shown = false;
  let timer: NodeJS.Timeout | undefined;

  const describe = (): string => {
    const elapsed = (Date.now() - startedAt) / 1000;
    const left = total - done - failed;
    const rate = (done + failed) / Math.max(elapsed, 0.001);
    const eta = done + failed > 0 && left > 0 ? `, ETA ${formatEta(left / rate)}` : '';
    return `sluice: ${done} done, ${running} running, ${failed} failed, ${total} total${eta}`;
  };

  const redraw = (): void => {
    if (tty) {
      options.err.write(`\r\x1b[K${describe()}`);
      shown = true;
    } else options.err.write(`${describe()}\n`);
  };

  const clear = (): void => {
    if (tty && shown) {
      options.err.write('\r\x1b[K');
      shown = false;
    }
  };

  return {
    clear,
    onRunStarted(tasks) {
      total = tasks.length;
      startedAt = Date.now();
      const every = tty ? (options.redrawMs ?? 200) : (options.plainEveryMs ?? 60_000);
      timer = setInterval(redraw, every);
      timer.unref();
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

function formatEta(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(Math.ceil(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
}
