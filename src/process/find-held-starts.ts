// Which held tasks a launcher that died may have started: their `p` may have been lost with it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { LauncherTask } from './launcher-task.ts';

/**
 * Whether the dead helper may have started a task it held. Its ledger (when it kept one) names
 * every held task before it starts it (`- - <id>`). Without one: a task released, or any while a
 * task it started was running (whose exit 0 it may have seen, starting held tasks in its place).
 */
export function findHeldStarts(ledgerDir: string | undefined, helper: number, pending: ReadonlyMap<number, LauncherTask>): (id: number, task: LauncherTask) => boolean {
  if (ledgerDir !== undefined) {
    try {
      const named = new Set<number>();
      for (const line of readFileSync(path.join(ledgerDir, String(helper)), 'utf8').split('\n')) {
        const id = line.split(' ')[2];
        if (id !== undefined) named.add(Number(id));
      }
      return (id) => named.has(id);
    } catch {
      // Unreadable: judged as without a ledger.
    }
  }
  const running = [...pending.values()].some((task) => !task.held);
  return (_id, task) => running || task.released;
}
