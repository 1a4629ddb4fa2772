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
    `  log:      ${error.logPath}`,
  ];
  if (error.stderrTail.length > 0) {
    lines.push(`  stderr (last ${error.stderrTail.length} lines):`);
    for (const line of error.stderrTail) lines.push(`  | ${line}`);
  } else lines.push('  stderr:   (empty)');
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
