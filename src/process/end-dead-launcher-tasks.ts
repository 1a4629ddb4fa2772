// A launcher that died left its tasks running, with no one to end them. They are ended, and
// waited for, before their attempts are judged: a task still running could otherwise write again
// at an output's final name after sluice removed what it had written there.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BackendError } from '../errors.ts';
import type { LeftoverProcess } from './end-leftover-groups.ts';
import { parseLauncherLedger, type LauncherLedger } from '../kernel/parse-launcher-ledger.ts';
import { findHeldStarts } from './find-held-starts.ts';
import { buildLaunchResult, type LauncherTask } from './launcher-task.ts';

/**
 * Settles the tasks of a launcher that died (`how`). A held task it provably never started is
 * dropped (not run), not blamed; any other may have run, and the end of one that exited 0 may have
 * been on its way: none is a success, each fails (outcome unknown), once what the ledger (if it
 * kept one) names is ended; without a ledger the run's end ends the groups the watcher recorded.
 */
export function settleOrphanedTasks(
  pending: ReadonlyMap<number, LauncherTask>,
  how: string,
  ledgerDir: string | undefined,
  helper: number,
  helperStart: string | undefined,
): void {
  const ledger = readLauncherLedger(ledgerDir, helper);
  const mayHaveStarted = findHeldStarts(ledger, pending);
  // Settled together, in the order they were started (a failure first stops the run before the
  // drops free anything for another task to be handed over to the dead launcher).
  const settles: Array<() => void> = [];
  let unknown = false;
  for (const [id, task] of pending) {
    task.termination.end();
    if (task.held && !mayHaveStarted(id, task)) {
      settles.push(() => task.resolve(buildLaunchResult({ kind: 'dropped', id }, task)));
      continue;
    }
    unknown = true;
    const message = task.held
      ? `The launcher exited (${how}) after it may have started the task, before it said so; its outcome is unknown`
      : `The launcher exited (${how}) while the task was running; its outcome is unknown`;
    settles.push(() => task.reject(new BackendError(message)));
  }
  const settle = (): void => {
    for (const one of settles) one();
  };
  // Without a file (none left, unreadable) every task it named is found by its cookie, or ended.
  if (unknown && ledgerDir !== undefined) void endDeadLauncherTasks(ledger ?? parseLauncherLedger(''), helper, helperStart).then(settle, settle);
  else settle();
}

// The dead helper's ledger, once: which held tasks it may have started, and which groups to end.
function readLauncherLedger(ledgerDir: string | undefined, helper: number): LauncherLedger | undefined {
  if (ledgerDir === undefined) return undefined;
  try {
    return parseLauncherLedger(readFileSync(path.join(ledgerDir, String(helper)), 'utf8'));
  } catch {
    return undefined; // unreadable: judged as without a ledger
  }
}

/** The groups the dead helper's ledger names, and whatever carries its SLUICE_COOKIE. */
export async function endDeadLauncherTasks(ledger: LauncherLedger, helper: number, helperStart: string | undefined): Promise<void> {
  const left: LeftoverProcess[] = ledger.groups.map(({ pgid, start }) => ({ kind: 'group', pid: pgid, start }));
  if (helperStart !== undefined) left.push({ kind: 'launched', pid: helper, start: helperStart });
  const { endLeftoverGroups } = await import('./end-leftover-groups.ts');
  // Survivors (stuck in the kernel) stay recorded: the run's end, or the next run, tries again.
  await endLeftoverGroups(left);
}
