// A task that succeeded may leave a background process in its process group. At close() such
// groups get SIGTERM, then SIGKILL after the grace period: sluice leaves no orphan behind.
import { readdirSync, readFileSync } from 'node:fs';

/** Whether the process group still has a member (a zombie counts). */
export function groupExists(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

// The leader was reaped; if a process now has its pid, the number was reused: not ours.
function isOurGroup(pgid: number): boolean {
  try {
    process.kill(pgid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH' && groupExists(pgid);
  }
}

// Zombies do not count: an init that never reaps orphans would keep us waiting for the grace.
function findLivingGroups(pgids: readonly number[]): number[] {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return pgids.filter(groupExists); // no /proc: zombies count
  }
  const wanted = new Set(pgids);
  const living = new Set<number>();
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const pgid = Number(fields[2]);
      if (fields[0] !== 'Z' && wanted.has(pgid)) living.add(pgid);
    } catch {
      // exited while we looked
    }
  }
  return pgids.filter((pgid) => living.has(pgid));
}

function signalGroups(pgids: readonly number[], signal: NodeJS.Signals): void {
  for (const pgid of pgids) {
    if (!isOurGroup(pgid)) continue;
    try {
      process.kill(-pgid, signal);
    } catch {
      // gone meanwhile
    }
  }
}

/** Forgets groups that are gone, so a long run does not accumulate them. */
export function pruneGroups(pgids: Set<number>): void {
  for (const pgid of pgids) if (!isOurGroup(pgid)) pgids.delete(pgid);
}

export async function endLeftoverGroups(pgids: Iterable<number>, graceMs: number): Promise<void> {
  let living = findLivingGroups([...pgids]);
  if (living.length === 0) return;
  signalGroups(living, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (living.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    living = findLivingGroups(living);
  }
  signalGroups(living, 'SIGKILL');
}
