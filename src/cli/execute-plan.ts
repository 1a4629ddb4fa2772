import { formatFailure } from '../report/format-failure.ts';
import { formatSummary } from '../report/format-summary.ts';
import { createTaskOutputPrinter } from '../report/print-task-output.ts';
import { createProgressLine } from '../report/progress-line.ts';
import { runPlan, type PlannedRun } from '../schedule/run-plan.ts';
import { TaskFailedError } from '../schedule/task-failed-error.ts';
import { DEFAULTS } from './defaults.ts';
import { handleInterrupts } from './handle-interrupt.ts';

export interface ExecuteFlags {
  readonly jobs: number;
  readonly keepGoing: boolean;
  readonly keepOrder: boolean;
  readonly quiet: boolean;
}

/**
 * Runs a plan from the command line: Ctrl-C handling, progress and task output, then failure
 * reports and the summary on standard error. Returns the exit status.
 */
export async function executePlan(plan: PlannedRun, flags: ExecuteFlags): Promise<number> {
  const interrupts = handleInterrupts();
  const progress = createProgressLine({ err: process.stderr });
  const printer = createTaskOutputPrinter({
    out: process.stdout,
    keepOrder: flags.keepOrder,
    beforeWrite: process.stdout.isTTY && process.stderr.isTTY ? progress.clear : undefined,
  });
  try {
    const result = await runPlan({
      ...plan,
      jobs: flags.jobs,
      keepGoing: flags.keepGoing,
      signal: interrupts.signal,
      command: ['sluice', ...process.argv.slice(2)].join(' '),
      listeners: flags.quiet ? [printer] : [printer, progress],
      killGraceMs: DEFAULTS.killGraceMs,
      stderrTailLines: DEFAULTS.stderrTailLines,
    });
    await printer.flush();
    for (const failure of result.failures) {
      process.stderr.write(`${formatFailure(new TaskFailedError(failure.task, failure.attempt, failure.outcome))}\n`);
    }
    if (!flags.quiet || result.failures.length > 0) process.stderr.write(`${formatSummary(result)}\n`);
    if (result.interrupted) return 130;
    return result.counts.succeeded + result.counts['up to date'] === result.total ? 0 : 1;
  } finally {
    interrupts.dispose();
  }
}
