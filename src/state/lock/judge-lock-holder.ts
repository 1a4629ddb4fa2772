// Whether the run named in a lock file is still running. Pure but for the process probes, which
// are injectable so every branch can be tested.

import os from 'node:os';
import type { LockHolder } from '../store/state-errors.ts';
import { isProcessAlive, readBootId, readProcessStart } from './process-start.ts';

/** What `.sluice/lock` holds. */
export interface LockInfo extends LockHolder {
  /** Random; lets `release` remove only its own lock. */
  readonly token: string;
  readonly bootId?: string | undefined;
  /** From /proc/<pid>/stat on Linux: tells the holder from a later process with its pid. */
  readonly processStart?: string | undefined;
}

export type HolderVerdict =
  | { readonly alive: true; readonly note: string }
  | { readonly alive: false; readonly why: string };

export interface ProcessProbes {
  readonly hostname: () => string;
  readonly bootId: () => string | undefined;
  readonly isAlive: (pid: number) => boolean;
  readonly processStart: (pid: number) => string | undefined;
}

export const SYSTEM_PROBES: ProcessProbes = {
  hostname: () => os.hostname(),
  bootId: readBootId,
  isAlive: isProcessAlive,
  processStart: readProcessStart,
};

export function judgeLockHolder(holder: LockInfo, probes: ProcessProbes = SYSTEM_PROBES): HolderVerdict {
  // A process on another machine (a shared file system) cannot be probed from here.
  if (holder.hostname !== probes.hostname()) {
    return { alive: true, note: ' (on another host, so sluice cannot check it; delete the lock if no run is there)' };
  }
  const bootId = probes.bootId();
  if (holder.bootId !== undefined && bootId !== undefined && holder.bootId !== bootId) {
    return { alive: false, why: 'the machine has restarted since' };
  }
  if (!probes.isAlive(holder.pid)) return { alive: false, why: `pid ${holder.pid} is no longer running` };
  const start = probes.processStart(holder.pid);
  if (holder.processStart !== undefined && start !== undefined && holder.processStart !== start) {
    return { alive: false, why: `pid ${holder.pid} now belongs to another process` };
  }
  return { alive: true, note: '' };
}

/** Parses a lock file's text; undefined when it is not a lock this sluice wrote. */
export function parseLockInfo(text: string): LockInfo | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockInfo>;
    if (typeof value.pid !== 'number' || typeof value.hostname !== 'string' || typeof value.token !== 'string') {
      return undefined;
    }
    return {
      pid: value.pid,
      hostname: value.hostname,
      startedAt: String(value.startedAt ?? 'at an unknown time'),
      command: String(value.command ?? '?'),
      token: value.token,
      bootId: value.bootId,
      processStart: value.processStart,
    };
  } catch {
    return undefined;
  }
}
