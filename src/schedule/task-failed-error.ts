import path from 'node:path';
import { SluiceError } from '../errors.ts';
import type { AttemptOutcome, LogTail } from '../execute/executor.ts';
import { nameTask } from '../kernel/name-task.ts';
import type { Task } from '../kernel/task.ts';
import { describeSignal } from '../process/describe-signal.ts';
import { quoteArgv } from '../kernel/quote-argv.ts';

/** A task's final failure, with everything needed to understand and re-run it. */
export class TaskFailedError extends SluiceError {
  override name = 'TaskFailedError';
  readonly step: string;
  /** The task as users read it: `bwa_map[sample=A]`. */
  readonly taskName: string;
  readonly taskId: number;
  /** A function step's task: no command line, no exit code of its own. */
  readonly isFunction: boolean;
  readonly attempt: number;
  readonly command: readonly string[];
  /** The command quoted for pasting into a POSIX shell. */
  readonly escapedCommand: string;
  readonly cwd: string;
  /** The program's exit code, or null when a signal ended it or it never started. */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly signalDescription: string | undefined;
  readonly timedOut: boolean;
  readonly cancelled: boolean;
  readonly durationMs: number;
  readonly stderrTail: readonly string[];
  /** The attempt's captured standard error in `.sluice/logs/`; '' when it wrote none. */
  readonly logPath: string;
  /** The end of each log the step declares (`log`), written by the task itself. */
  readonly logTails: readonly LogTail[];
  readonly reason: string;

  constructor(task: Task, attempt: number, outcome: AttemptOutcome) {
    const reason = describeReason(task, outcome);
    const escapedCommand = quoteArgv(outcome.argv);
    super(`${reason}: ${escapedCommand}`);
    this.step = task.step;
    this.taskName = nameTask(task);
    this.taskId = task.id;
    this.isFunction = task.action.kind === 'function';
    this.attempt = attempt;
    this.command = outcome.argv;
    this.escapedCommand = escapedCommand;
    this.cwd = task.cwd;
    this.exitCode = outcome.exitCode;
    this.signal = outcome.signal;
    this.signalDescription = outcome.signal === null ? undefined : describeSignal(outcome.signal);
    this.timedOut = outcome.status === 'timed out';
    this.cancelled = outcome.status === 'cancelled';
    this.durationMs = outcome.endedAt - outcome.startedAt;
    this.stderrTail = outcome.stderrTail;
    this.logPath = outcome.stderrLog === '' ? '' : path.relative(task.cwd, outcome.stderrLog) || outcome.stderrLog;
    this.logTails = outcome.logTails ?? [];
    this.reason = reason;
  }
}

function describeReason(task: Task, outcome: AttemptOutcome): string {
  const limit = task.resources.timeoutMs;
  if (outcome.status === 'timed out') return `timed out after ${formatSeconds(limit ?? 0)}`;
  if (outcome.status === 'cancelled') return 'cancelled';
  if (outcome.error !== undefined) return outcome.error;
  if (outcome.signal !== null) return `killed by ${describeSignal(outcome.signal)}`;
  if (task.action.kind === 'function') return 'the function failed';
  const code = outcome.exitCode;
  if (task.action.kind === 'shell' && code !== null && code > 128 && code < 128 + 65) return describeShellSignal(code);
  return `exit code ${code ?? 'unknown'}`;
}

// bash reports a command that a signal ended as 128 + the signal's number. SIGPIPE (141) is the
// writer of a pipe whose reader exited first (`zcat big | head -1`), a failure under pipefail.
function describeShellSignal(code: number): string {
  const reason = `exit code ${code} (a command of the script was killed by ${describeSignal(code - 128)})`;
  if (code !== 141) return reason;
  return (
    `${reason}: a command that reads a pipe, such as \`head\`, exited before the command writing to it was done, ` +
    'which `set -o pipefail` counts as a failure; if the script means it, end the pipe with `|| [ $? -eq 141 ]`'
  );
}

export function formatSeconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(2)} s` : `${(ms / 1000).toFixed(1)} s`;
}
