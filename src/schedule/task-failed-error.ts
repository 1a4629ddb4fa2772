import path from 'node:path';
import { SluiceError } from '../errors.ts';
import type { AttemptOutcome, LogTail } from '../execute/executor.ts';
import { nameTask } from '../kernel/name-task.ts';
import type { Task } from '../kernel/task.ts';
import { describeSignal } from '../kernel/describe-signal.ts';
import { describeAttemptEnd, type AttemptEnd } from '../kernel/describe-attempt-end.ts';
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
  /** Timed out by its no-output limit (`noOutputTimeout`), not its wall clock: that limit. */
  readonly silentMs: number | undefined;
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
    this.silentMs = this.timedOut ? outcome.silentMs : undefined;
    this.durationMs = outcome.endedAt - outcome.startedAt;
    this.stderrTail = outcome.stderrTail;
    this.logPath = outcome.stderrLog === '' ? '' : path.relative(task.cwd, outcome.stderrLog) || outcome.stderrLog;
    this.logTails = outcome.logTails ?? [];
    this.reason = reason;
  }
}

function describeReason(task: Task, outcome: AttemptOutcome): string {
  const end: AttemptEnd = {
    exitCode: outcome.exitCode,
    signal: outcome.signal,
    timedOut: outcome.status === 'timed out',
    cancelled: outcome.status === 'cancelled',
    timeoutMs: task.resources.timeoutMs,
    silentMs: outcome.silentMs,
    shell: task.action.kind === 'shell',
  };
  // A limit that is not the task's own (Slurm's --time of its job): the backend says which.
  if (end.timedOut === true && end.timeoutMs === undefined && end.silentMs === undefined && outcome.error !== undefined) return outcome.error;
  if (end.timedOut === true || end.cancelled === true) return describeAttemptEnd(end);
  if (outcome.error !== undefined) return outcome.error;
  if (outcome.signal === null && task.action.kind === 'function') return 'the function failed';
  return describeAttemptEnd(end);
}
