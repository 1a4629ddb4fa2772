// The options `sluice map` and `sluice run` share, declared once and read into one request:
// both commands then parse `-j 0` or `--timeout 5x` alike and run through the same path
// (execute-request.ts). Only `-k` differs, as the SPEC says: make's keep going for `run`, GNU
// Parallel's keep order for `map`; the other meaning stays available by its long name.

import type { Command, Option } from 'commander';
import type { SlurmStepOptions } from '../plan/define-pipeline.ts';
import { SLURM_DEFAULTS } from '../execute/slurm/slurm-options.ts';
import { DEFAULTS } from './defaults.ts';
import { addExecutorOptions, defaultJobs, slurmFromFlags, type ExecutorFlags } from './executor-options.ts';
import { collectValues, parseCount, parseDuration, parsePositiveInteger } from './parse-options.ts';

/** Which command declares the options: the front end whose help and `-k` they follow. */
export type FrontEnd = 'map' | 'run';

/** The shared options as commander hands them over, not yet validated. */
export interface RequestFlags extends ExecutorFlags {
  jobs?: string;
  keepGoing?: boolean;
  keepOrder?: boolean;
  dryRun?: boolean;
  explain?: boolean;
  force: string[];
  forceAll?: boolean;
  quiet?: boolean;
  json?: boolean;
  report?: string;
  retries?: string;
  timeout?: string;
  noOutputTimeout?: string;
}

/** What a user asked of a run, whichever command they asked it with; validated. */
export interface RunRequest {
  /** `-j`: cpu slots at once (or queued jobs on Slurm). */
  readonly jobs: number;
  /** `--executor slurm` with its options; undefined: this machine. */
  readonly slurm: SlurmStepOptions | undefined;
  readonly keepGoing: boolean;
  /** Tasks' standard output printed in plan (input) order. */
  readonly keepOrder: boolean;
  readonly dryRun: boolean;
  readonly explain: boolean;
  /** `--force STEP`, repeatable. */
  readonly force: readonly string[];
  readonly forceAll: boolean;
  readonly quiet: boolean;
  readonly json: boolean;
  readonly report: string | undefined;
  /** `--retries`, for tasks whose step sets none; undefined: not given. */
  readonly retries: number | undefined;
  /** `--timeout` in ms, for tasks whose step sets none; undefined: not given. */
  readonly timeoutMs: number | undefined;
  /** `--timeout` as given, for the command that re-runs one task. */
  readonly timeout: string | undefined;
  /** `--no-output-timeout` in ms, for command tasks whose step sets no `noOutputTimeout`; undefined: not given. */
  readonly noOutputTimeoutMs: number | undefined;
  /** `--no-output-timeout` as given, for the command that re-runs one task. */
  readonly noOutputTimeout: string | undefined;
}

type Flag = readonly [flags: string, help: string];

// What differs between the two commands: the meaning of `-k`, and how retries and timeouts apply.
const HELP: Readonly<Record<FrontEnd, { readonly keepGoing: Flag; readonly keepOrder: Flag; readonly retries: string; readonly timeout: string; readonly noOutputTimeout: string }>> = {
  run: {
    keepGoing: ['-k, --keep-going', "after a failure, go on with the tasks that do not depend on it (make -k; `sluice map -k` is GNU Parallel's keep order)"],
    keepOrder: ['--keep-order', "print the tasks' output in plan order (`sluice map -k`)"],
    retries: 'extra attempts for failed tasks of steps that set no `retries` (default 0)',
    timeout: 'time limit for tasks of steps that set no `timeout` (e.g. 30s, 10m)',
    noOutputTimeout: 'end tasks of command steps that set no `noOutputTimeout` once silent (no stdout, stderr or log output) for DURATION',
  },
  map: {
    keepGoing: ['--keep-going', 'after a failure, go on with the other tasks (no short option here: -k keeps order)'],
    keepOrder: ['-k, --keep-order', "print outputs in input order (GNU Parallel's -k; `sluice run -k` is make's keep going)"],
    retries: `extra attempts for a failed task (default ${DEFAULTS.retries})`,
    timeout: 'SIGTERM the task after DURATION (e.g. 30s, 10m), SIGKILL soon after',
    noOutputTimeout: 'SIGTERM the task once it wrote nothing to stdout or stderr for DURATION, SIGKILL soon after',
  },
};

/** Declares the shared options on `command`, worded for `frontEnd`. */
export function addRequestOptions(command: Command, frontEnd: FrontEnd): Command {
  const help = HELP[frontEnd];
  const declared = command
    .option('-j, --jobs <n>', `cpu slots at once (default: cores, ${DEFAULTS.jobs}; with --executor slurm, ${SLURM_DEFAULTS.jobs} tasks)`)
    .option(...help.keepGoing)
    .option(...help.keepOrder)
    .option('-n, --dry-run', 'print the tasks that would run, run none')
    .option('--explain', 'with --dry-run: say why each task would run')
    .option('--force <step>', 'run the tasks of STEP even if up to date (repeatable)', collectValues, [])
    .option('--force-all', 'run every task even if up to date (make -B)')
    .option('-q, --quiet', 'no progress line or summary (failures are still reported)')
    .option('--json', "one JSON event per line on stdout (plan, task started/finished/failed, run finished) instead of the tasks' output")
    .option('--retries <n>', help.retries)
    .option('--timeout <duration>', help.timeout)
    .addOption(noOutputTimeoutOption(command, help.noOutputTimeout))
    .option('--report <file>', 'at the end, write an HTML report of the run to FILE (see `sluice report`)');
  return addExecutorOptions(declared);
}

/** Validates the shared options, each with the one wording of the boundary. */
export function parseRequest(flags: RequestFlags): RunRequest {
  const slurm = slurmFromFlags(flags);
  return {
    jobs: flags.jobs === undefined ? defaultJobs(slurm) : parsePositiveInteger('--jobs', flags.jobs),
    slurm,
    keepGoing: flags.keepGoing === true,
    keepOrder: flags.keepOrder === true,
    dryRun: flags.dryRun === true,
    explain: flags.explain === true,
    force: flags.force,
    forceAll: flags.forceAll === true,
    quiet: flags.quiet === true,
    json: flags.json === true,
    report: flags.report,
    retries: flags.retries === undefined ? undefined : parseCount('--retries', flags.retries),
    timeoutMs: flags.timeout === undefined ? undefined : parseDuration('--timeout', flags.timeout),
    timeout: flags.timeout,
    noOutputTimeoutMs: flags.noOutputTimeout === undefined ? undefined : parseDuration('--no-output-timeout', flags.noOutputTimeout),
    noOutputTimeout: flags.noOutputTimeout,
  };
}

// commander reads a flag that starts with `--no-` as the negation of another (`--output-timeout`,
// true unless given): this one takes a value and means what it says. Made by the command: importing
// commander's Option from ESM would make Node scan commander's source (~5 ms a start, see main.ts).
function noOutputTimeoutOption(command: Command, help: string): Option {
  const option = command.createOption('--no-output-timeout <duration>', help);
  option.negate = false;
  return option;
}
