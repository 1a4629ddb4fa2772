// How an attempt ended, in words, for every place that says it: a failed task's reason, a failed
// command of streamLines, a Slurm job's outcome, the failure report and the HTML report. Two
// forms of one wording: the reason (`exit code 3`, `killed by SIGSEGV (segmentation fault)`,
// `timed out after 2.00 s`, `timed out: no output for 1.00 s`, `cancelled`) and the status line that lists every fact
// (`exit code 3, not timed out`; `signal SIGTERM (terminated), timed out`).

import { describeSignal } from './describe-signal.ts';
import { formatSeconds } from './format-seconds.ts';

export interface AttemptEnd {
  /** The process's exit code; null when a signal ended it, it never started or it is unknown. */
  readonly exitCode: number | null;
  /** The signal that ended it, by name or number. */
  readonly signal: string | number | null;
  readonly timedOut?: boolean | undefined;
  readonly cancelled?: boolean | undefined;
  /** The wall-clock limit it reached, when it timed out and the limit is known. */
  readonly timeoutMs?: number | undefined;
  /** Set when the no-output limit ended it: that limit (`timed out: no output for 1.00 s`). */
  readonly silentMs?: number | undefined;
  /** The command was a shell script: an exit code above 128 is a command of it killed by a signal. */
  readonly shell?: boolean | undefined;
}

/** The reason an attempt ended, in a few words; the cause first: a time-out, a cancel, a signal, an exit code. */
export function describeAttemptEnd(end: AttemptEnd): string {
  if (end.timedOut === true && end.silentMs !== undefined) return `timed out: no output for ${formatSeconds(end.silentMs)}`;
  if (end.timedOut === true) return end.timeoutMs === undefined ? 'timed out' : `timed out after ${formatSeconds(end.timeoutMs)}`;
  if (end.cancelled === true) return 'cancelled';
  if (end.signal !== null) return `killed by ${describeSignal(end.signal)}`;
  const code = end.exitCode;
  if (end.shell === true && code !== null && code > 128 && code < 128 + 65) return describeShellSignal(code);
  return `exit code ${code ?? 'unknown'}`;
}

/**
 * Every fact of an attempt's end, as a failure report lists them: `exit code 3, not timed out`.
 * A function step has no exit code of a process: without a signal, a time-out or a cancel, there
 * is nothing to list (undefined).
 */
export function listAttemptEnd(end: AttemptEnd & { readonly isFunction?: boolean | undefined }): string | undefined {
  const parts: string[] = [];
  if (end.exitCode !== null && end.isFunction !== true) parts.push(`exit code ${end.exitCode}`);
  if (end.signal !== null) parts.push(`signal ${describeSignal(end.signal)}`);
  if (end.isFunction === true && parts.length === 0 && end.timedOut !== true && end.cancelled !== true) return undefined;
  if (parts.length === 0 && end.isFunction !== true) parts.push('did not run to an exit status');
  parts.push(end.timedOut === true ? 'timed out' : 'not timed out');
  if (end.cancelled === true) parts.push('cancelled');
  return parts.join(', ');
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
