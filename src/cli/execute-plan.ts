import { quoteArgv } from '../kernel/quote-argv.ts';
import path from 'node:path';
import type { EarlyLauncher } from '../execute/early-launcher.ts';
import type { FunctionRunner } from '../execute/worker/function-runner.ts';
import type { SlurmStepOptions } from '../plan/define-pipeline.ts';
import { chooseColours, type Colours } from '../report/choose-colours.ts';
import { formatSummary } from '../report/format-summary.ts';
import { createTaskOutputPrinter } from '../report/print-task-output.ts';
import { createProgressLine } from '../report/progress-line.ts';
import type { RerunContext } from '../report/format-rerun.ts';
import type { PlannedRun, RunResult } from '../session/run-request.ts';
import { runSession } from '../session/run-session.ts';
import { DEFAULTS } from './defaults.ts';
import { fromProcessStart } from './from-process-start.ts';
import { handleInterrupts } from './handle-interrupt.ts';

export interface ExecuteFlags {
  readonly jobs: number;
  readonly keepGoing: boolean;
  readonly keepOrder: boolean;
  readonly quiet: boolean;
  /** JSON events on standard output instead of the tasks' output. */
  readonly json?: boolean;
  /** Run on Slurm with these options; undefined: on this machine. */
  readonly slurm?: SlurmRun | undefined;
  /** `--report`: write the run's HTML report to this file once it ends. */
  readonly report?: string | undefined;
  /** How `sluice run` was given its pipeline: each failure then says how to re-run it alone. */
  readonly rerun?: RerunContext | undefined;
  /** Function steps' worker threads, started early (RunRequest's `functionRunner`). */
  readonly functionRunner?: Promise<FunctionRunner> | undefined;
  /** The launcher, started early (RunRequest's `launcher`). */
  readonly launcher?: EarlyLauncher | undefined;
  /** Told the run's result (e.g. whether tasks wait for a folder output this run made). */
  readonly onResult?: ((result: RunResult) => void) | undefined;
}

export interface SlurmRun {
  readonly options: SlurmStepOptions;
  /** Per-step options from the pipeline file. */
  readonly steps?: ReadonlyMap<string, SlurmStepOptions | undefined>;
}

/**
 * Runs a plan from the command line: Ctrl-C handling, progress and task output, then failure
 * reports and the summary on standard error. Returns the exit status.
 */
export async function executePlan(plan: PlannedRun, flags: ExecuteFlags): Promise<number> {
  // What only --report, --json or a failure needs loads then: a run where every task is up to
  // date loads none of it.
  if (flags.report !== undefined) (await import('./report-command.ts')).checkReportPath('--report', flags.report);
  const json = flags.json === true ? (await import('../report/json-events.ts')).createJsonEvents(process.stdout) : undefined;
  const interrupts = handleInterrupts();
  const progress = createProgressLine({ err: process.stderr });
  const printer = createTaskOutputPrinter({
    out: process.stdout,
    keepOrder: flags.keepOrder,
    beforeWrite: process.stdout.isTTY && process.stderr.isTTY ? progress.clear : undefined,
  });
  try {
    const result = fromProcessStart(await runSession({
      ...plan,
      jobs: flags.jobs,
      keepGoing: flags.keepGoing,
      signal: interrupts.signal,
      command: quoteArgv(['sluice', ...process.argv.slice(2)]),
      listeners: [json ?? printer, ...(flags.quiet ? [] : [progress])],
      killGraceMs: DEFAULTS.killGraceMs,
      stderrTailLines: DEFAULTS.stderrTailLines,
      stdoutPrinted: flags.json !== true,
      functionRunner: flags.functionRunner,
      launcher: flags.launcher,
      backend: flags.slurm === undefined ? { kind: 'local' } : { kind: 'slurm', options: flags.slurm.options, steps: flags.slurm.steps },
    }));
    flags.onResult?.(result);
    await printer.flush();
    const colours = chooseColours(process.stderr);
    if (result.failures.length > 0) await printFailures(result, flags.rerun, colours);
    if (!flags.quiet || result.failures.length > 0) process.stderr.write(`${formatSummary(result, colours)}\n`);
    if (flags.report !== undefined) {
      // Loaded only for --report: other runs do not pay for loading it.
      const { writeRunReport } = await import('../report/html/write-report.ts');
      const report = await writeRunReport({ root: plan.root, runId: result.runId, file: flags.report, stderrTailLines: DEFAULTS.reportStderrTailLines });
      if (!flags.quiet) process.stderr.write(`sluice: report written to ${path.relative(process.cwd(), report.file) || report.file}\n`);
    }
    if (result.interrupted) {
      const fault = interrupts.fault();
      if (fault !== undefined) throw fault;
      return 130;
    }
    return result.counts.succeeded + result.counts['up to date'] === result.total ? 0 : 1;
  } finally {
    interrupts.dispose();
  }
}

// Each failure, and how to re-run it alone.
async function printFailures(result: RunResult, rerunContext: RerunContext | undefined, colours: Colours): Promise<void> {
  const [{ formatFailure }, { formatRerunCommand }, { TaskFailedError }] = await Promise.all([
    import('../report/format-failure.ts'),
    import('../report/format-rerun.ts'),
    import('../schedule/task-failed-error.ts'),
  ]);
  for (const failure of result.failures) {
    const rerun = rerunContext === undefined ? undefined : (formatRerunCommand(failure.task, rerunContext) ?? null);
    const noRerun = `it has no output to name as a target; \`sluice run --force ${failure.task.step}\` re-runs every task of its step`;
    process.stderr.write(`${formatFailure(new TaskFailedError(failure.task, failure.attempt, failure.outcome), { rerun, noRerun, colours })}\n`);
  }
}
