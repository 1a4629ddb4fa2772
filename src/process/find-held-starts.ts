// Which held tasks a launcher that died may have started: their `p` may have been lost with it.
import type { LauncherLedger } from '../kernel/parse-launcher-ledger.ts';
import type { LauncherTask } from './launcher-task.ts';

/**
 * Whether the dead helper may have started a task it held. Its ledger (when it kept one) names
 * every held task before it starts it (`- - <id>`). Without one: a task released, or any while a
 * task it started was running (whose exit 0 it may have seen, starting held tasks in its place).
 */
export function findHeldStarts(ledger: LauncherLedger | undefined, pending: ReadonlyMap<number, LauncherTask>): (id: number, task: LauncherTask) => boolean {
  if (ledger !== undefined) return (id) => ledger.named.has(id);
  const running = [...pending.values()].some((task) => !task.held);
  return (_id, task) => running || task.released;
}
