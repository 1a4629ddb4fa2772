import { formatSeconds, type TaskFailedError } from '../schedule/task-failed-error.ts';

/** The multi-line failure report printed at the end of a run, one per failed task. */
export function formatFailure(error: TaskFailedError): string {
  const lines = [
    `✗ ${error.step} task ${error.taskId} ${error.reason}` +
      (error.attempt > 1 ? ` (attempt ${error.attempt})` : ''),
    `  command:  ${error.escapedCommand}`,
    `  cwd:      ${error.cwd}`,
    `  status:   ${describeStatus(error)}`,
    `  duration: ${formatSeconds(error.durationMs)}`,
  ];
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

function describeStatus(error: TaskFailedError): string {
  const parts: string[] = [];
  if (error.exitCode !== null) parts.push(`exit code ${error.exitCode}`);
  if (error.signalDescription !== undefined) parts.push(`signal ${error.signalDescription}`);
  if (parts.length === 0) parts.push('did not run to an exit status');
  parts.push(error.timedOut ? 'timed out' : 'not timed out');
  if (error.cancelled) parts.push('cancelled');
  return parts.join(', ');
}
