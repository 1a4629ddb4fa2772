// Facts about a process id that tell a live run from a dead one whose pid was reused.

import fs from 'node:fs';

/**
 * False when no process has this pid (ESRCH) or it has exited and only waits for its parent to
 * reap it (a zombie, state Z or X in /proc/<pid>/stat); another user's process counts as alive.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
  const state = readStatFields(pid)?.[0];
  return state !== 'Z' && state !== 'X';
}

// The fields of /proc/<pid>/stat after the command name (field 3 onwards); undefined off Linux.
function readStatFields(pid: number): string[] | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may itself hold spaces and parentheses.
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

export { readProcessStart } from '../../process/read-process-start.ts';

/** Changes at every boot, so a lock left before a restart is known stale whatever its pid. */
export function readBootId(): string | undefined {
  try {
    return fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return undefined;
  }
}
