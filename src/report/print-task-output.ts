import fs from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AttemptOutcome } from '../execute/executor.ts';
import type { Task } from '../kernel/task.ts';
import type { RunListener } from '../schedule/run-events.ts';
import { boundCapture } from '../state/logs/bound-capture.ts';
import { readLogLimits } from '../state/logs/log-limits.ts';

export interface TaskOutputPrinter extends RunListener {
  /** Resolves once everything received so far is written. */
  flush(): Promise<void>;
}

export interface PrinterOptions {
  readonly out: Writable;
  /** Print in task order instead of completion order. */
  readonly keepOrder: boolean;
  /** Called before each write, e.g. to clear a progress line on the same terminal. */
  readonly beforeWrite?: () => void;
  /** Bytes each capture keeps once printed (state/logs/log-limits.ts); default from the environment. */
  readonly capBytes?: number;
}

const SMALL = 1 << 20;

/**
 * Prints each task's standard output whole, one task after another, from its log file: output
 * of two tasks never interleaves, and memory stays constant whatever a task prints.
 */
export function createTaskOutputPrinter(options: PrinterOptions): TaskOutputPrinter {
  let chain: Promise<void> = Promise.resolve();
  let order: number[] = [];
  let next = 0;
  const settled = new Map<number, string | undefined>();
  let capBytes: number | undefined = options.capBytes;
  // Printed whole, then kept in `.sluice/logs/` within the cap as every capture is.
  const bound = async (file: string): Promise<void> => {
    await boundCapture(file, (capBytes ??= readLogLimits().streamBytes));
  };

  const enqueue = (file: string | undefined): void => {
    if (file === undefined) return;
    // A function step writes no stdout log: no exception for a missing file (one per task).
    let size: number | undefined;
    try {
      size = fs.statSync(file, { throwIfNoEntry: false })?.size;
    } catch {
      return;
    }
    if (size === undefined || size === 0) return;
    chain = chain.then(() => copyFile(file, size)).then(() => bound(file));
  };

  // A reader that went away (`| head -1`) ends the printing: the stream's own 'error' listener
  // (cli/handle-interrupt.ts) stops the run; the captures are still bounded. Any other failed
  // write (a full disk under `> file`, thrown by a file's synchronous write) goes to that
  // listener too, which stops the run and ends it with that fault.
  const copyFile = async (file: string, size: number): Promise<void> => {
    if (options.out.destroyed) return;
    try {
      await writeFile(file, size);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EPIPE') options.out.destroy(error as Error);
    }
  };

  const writeFile = async (file: string, size: number): Promise<void> => {
    options.beforeWrite?.();
    if (size <= SMALL) {
      if (!options.out.write(fs.readFileSync(file))) await once(options.out, 'drain');
    } else {
      await pipeline(fs.createReadStream(file), options.out, { end: false });
    }
  };

  const settle = (task: Task, outcome: AttemptOutcome | undefined): void => {
    if (!options.keepOrder) return enqueue(outcome?.stdoutLog);
    settled.set(task.id, outcome?.stdoutLog);
    while (next < order.length && settled.has(order[next] as number)) {
      const id = order[next++] as number;
      enqueue(settled.get(id));
      settled.delete(id);
    }
  };

  return {
    onRunStarted(tasks) {
      order = tasks.map((task) => task.id);
    },
    onTaskEnded(task, _attempt, outcome, final) {
      if (final) settle(task, outcome);
      // An attempt that is retried prints nothing: its capture is bounded now.
      else if (outcome.stdoutLog !== undefined) chain = chain.then(() => bound(outcome.stdoutLog as string));
    },
    onTaskSkipped(task) {
      settle(task, undefined);
    },
    onRunEnded() {
      while (next < order.length) {
        const id = order[next++] as number;
        enqueue(settled.get(id));
      }
    },
    flush: () => chain,
  };
}
