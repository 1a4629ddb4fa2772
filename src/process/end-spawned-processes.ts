// Ends the processes a worker thread started (find-spawned.ts): SIGTERM, then SIGKILL after the
// grace period, to each of them and to the groups they lead. Processes found late (forked while
// the others were being ended) get the same; an orphan found once is followed by pid and start
// time, so it is ended even after its parent is gone.
import { debugLog } from './debug-log.ts';
import { type ProcessEntry } from './list-processes.ts';
import { findSpawned, type SpawnedProcesses } from './find-spawned.ts';
import { DEFAULT_KILL_GRACE_MS } from './track-termination.ts';

const POLL_MS = 25;
/** After SIGKILL, how long to look for processes still appearing before giving up. */
const AFTER_KILL_MS = 2000;

/** Resolves once every process of `target` is gone (or SIGKILLed and not gone within a while). */
export async function endSpawnedProcesses(target: SpawnedProcesses, graceMs: number = DEFAULT_KILL_GRACE_MS): Promise<void> {
  const known = new Map<number, number>();
  const deadline = Date.now() + graceMs;
  for (;;) {
    const found = findSpawned(target, known);
    if (found === undefined) {
      if (target.pids.length === 0) return;
      signalPids(target.pids, 'SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, graceMs));
      signalPids(target.pids, 'SIGKILL');
      return;
    }
    if (found.size === 0) return;
    const now = Date.now();
    if (now > deadline + AFTER_KILL_MS) return; // unkillable (D state): nothing more to do
    for (const entry of found.values()) {
      if (now >= deadline) signal(entry, 'SIGKILL');
      else if (known.get(entry.pid) !== entry.startTicks) {
        debugLog('processes', `SIGTERM to ${entry.pid}, left running by ${target.tag}`);
        signal(entry, 'SIGTERM');
      }
    }
    known.clear();
    for (const entry of found.values()) known.set(entry.pid, entry.startTicks);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** SIGKILL to every process of `target`, at once: for a sluice that exits now. */
export function killSpawnedProcessesNow(target: SpawnedProcesses): void {
  const found = findSpawned(target);
  if (found === undefined) signalPids(target.pids, 'SIGKILL');
  else for (const entry of found.values()) signal(entry, 'SIGKILL');
}

function signal(entry: ProcessEntry, name: NodeJS.Signals): void {
  // The group first: a member forked meanwhile gets it too.
  if (entry.pgid === entry.pid) send(-entry.pid, name);
  send(entry.pid, name);
}

// Without /proc: the recorded pids, and the groups they lead (a group's id is its leader's pid).
function signalPids(pids: readonly number[], name: NodeJS.Signals): void {
  for (const pid of pids) {
    send(-pid, name);
    send(pid, name);
  }
}

function send(pid: number, name: NodeJS.Signals): void {
  if (pid === process.pid || pid === -process.pid || pid === 0) return;
  try {
    process.kill(pid, name);
  } catch {
    // gone meanwhile
  }
}
