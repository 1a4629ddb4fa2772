// A process's start time: with its pid, it names one process for good (pids are reused).
import fs from 'node:fs';

/**
 * The process's start time in clock ticks since boot (field 22 of /proc/<pid>/stat), on Linux;
 * undefined elsewhere or when the process is gone. A reused pid has a different start time.
 */
export function readProcessStart(pid: number): string | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may itself hold spaces and parentheses.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return fields[19];
  } catch {
    return undefined;
  }
}
