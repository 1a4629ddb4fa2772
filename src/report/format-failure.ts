import path from 'node:path';
import type { TaskFailedError } from '../schedule/task-failed-error.ts';
import { formatSeconds } from '../kernel/format-seconds.ts';
import { listAttemptEnd } from '../kernel/describe-attempt-end.ts';
import { readFunctionCommand } from '../kernel/function-command.ts';
import { PLAIN, type Colours } from './choose-colours.ts';

export interface FailureOptions {
  /**
   * The command that re-runs this one task (`sluice run --force STEP TARGET`); null when none
   * can, undefined when the command shown re-runs it (`sluice map`).
   */
  readonly rerun?: string | null | undefined;
  /** Why no command re-runs it alone, when `rerun` is null. */
  readonly noRerun?: string;
  readonly colours?: Colours;
}

/** The multi-line failure report printed at the end of a run, one per failed task. */
export function formatFailure(error: TaskFailedError, options: FailureOptions = {}): string {
  const colours = options.colours ?? PLAIN;
  const lines = [
    `${colours.bad('✗')} ${colours.bad(error.taskName)} ${error.reason}` + (error.attempt > 1 ? ` (attempt ${error.attempt})` : ''),
    // A function has no command line to paste: say which function it is and where.
    error.isFunction ? `  function: ${describeFunction(error)}` : `  command:  ${shortenCommand(error.escapedCommand)}`,
    `  cwd:      ${error.cwd}`,
  ];
  const status = describeStatus(error);
  if (status !== undefined) lines.push(`  status:   ${status}`);
  lines.push(`  duration: ${formatSeconds(error.durationMs)}`);
  if (options.rerun !== undefined) lines.push(`  re-run:   ${options.rerun ?? `(${options.noRerun ?? 'no command re-runs this task alone'})`}`);
  // No file when the task wrote nothing to standard error (an empty stream leaves none).
  if (error.logPath !== '') lines.push(`  log:      ${error.logPath}`);
  if (error.stderrTail.length > 0) {
    lines.push(`  stderr (last ${error.stderrTail.length} lines):`);
    for (const line of error.stderrTail) lines.push(`  | ${line}`);
  } else lines.push('  stderr:   (empty)');
  // The logs the step declares: where a tool that writes its diagnostics to a file wrote them.
  for (const log of error.logTails) {
    if (log.tail === null) lines.push(`  ${log.path}: (not written)`);
    else if (log.tail.length === 0) lines.push(`  ${log.path}: (empty)`);
    else {
      lines.push(`  ${log.path} (last ${log.tail.length} lines):`);
      for (const line of log.tail) lines.push(`  | ${line}`);
    }
  }
  return lines.join('\n');
}

/** Characters of a command shown whole in a failure report; a longer one (a gather of 10,000 files) shows its two ends. */
export const COMMAND_SHOWN = 2000;

// A command of a megabyte would bury the report (and an E2BIG one cannot be pasted anyway): its
// ends, and where the whole of it is.
function shortenCommand(command: string): string {
  if (command.length <= COMMAND_SHOWN) return command;
  const end = COMMAND_SHOWN / 4;
  const left = command.length - COMMAND_SHOWN;
  return `${command.slice(0, COMMAND_SHOWN - end)} … (${left} characters left out; \`sluice report\` shows the whole command) … ${command.slice(-end)}`;
}

// `(function step up in /abs/pipeline.ts)` is what the executor records as its argv.
function describeFunction(error: TaskFailedError): string {
  const found = readFunctionCommand(error.command[0] ?? null);
  if (found === undefined) return error.step;
  const module = path.relative(error.cwd, found.module) || found.module;
  return `${found.step}() in ${module.startsWith('..') ? found.module : module}`;
}

// A function's end is its reason (it threw, it timed out): no exit code of a process it never was.
function describeStatus(error: TaskFailedError): string | undefined {
  return listAttemptEnd(error);
}
