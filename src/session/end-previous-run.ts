// Before a run starts any task: what a previous run left running (it was killed, even by
// SIGKILL, or its launcher died) is ended, and waited for, so that no late write of it reaches
// the outputs of this run. Call it holding the run lock.
import type { StateStore } from '../state/store/open-store.ts';
import { forgetRunningProcesses, readRunningProcesses } from '../state/journal/record-running-processes.ts';
import { StateError } from '../state/store/state-errors.ts';

/** How long a run waits for what a killed run left to be gone, after SIGKILL. */
export const LEFTOVER_TIMEOUT_MS = 10_000;

/** Returns how many recorded groups and helpers there were; throws if any survives the wait. */
export async function endPreviousRun(store: StateStore, timeoutMs = LEFTOVER_TIMEOUT_MS): Promise<number> {
  const recorded = readRunningProcesses(store);
  if (recorded.total === 0) return 0;
  // Loaded only when a run left processes: the process-table code is not needed otherwise.
  const { endLeftoverGroups } = await import('../process/end-leftover-groups.ts');
  const survivors = await endLeftoverGroups(recorded.here, timeoutMs);
  if (survivors.length > 0) {
    throw new StateError(
      `Expected the processes left by a previous run to end within ${timeoutMs / 1000} s of SIGKILL, ` +
        `got ${survivors.length} still running (pid ${survivors.join(', ')}). No task was started; ` +
        'end them, then run again.',
      store.dbPath,
    );
  }
  forgetRunningProcesses(store);
  return recorded.here.length;
}
