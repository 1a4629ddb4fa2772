// Facts about a process id that tell a live run from a dead one whose pid was reused.

import fs from 'node:fs';

/** False only when no process has this pid (ESRCH); another user's process counts as alive. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

export { readProcessStart } from '../process/read-process-start.ts';

/** Changes at every boot, so a lock left before a restart is known stale whatever its pid. */
export function readBootId(): string | undefined {
  try {
    return fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return undefined;
  }
}
