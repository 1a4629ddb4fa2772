// One running sluice per folder. The lock is `.sluice/lock`, holding who took it; a second run
// is refused with a message naming the first, and a lock left by a dead run is taken over.

import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { classifyFault } from '../../classify-fault.ts';
import { stateDirOf } from '../store/state-dir.ts';
import {
  judgeLockHolder,
  parseLockInfo,
  SYSTEM_PROBES,
  type HolderVerdict,
  type LockInfo,
  type ProcessProbes,
} from './judge-lock-holder.ts';
import { readBootId, readProcessStart } from './process-start.ts';
import { LockBusyError, RunLockedError } from '../store/state-errors.ts';

export interface RunLock {
  readonly path: string;
  readonly info: LockInfo;
  /** Set when a stale lock was taken over; worth printing. */
  readonly note: string | undefined;
  /** Removes the lock if it is still ours. Idempotent; also runs at process exit. */
  release(): void;
}

export interface RunLockOptions {
  /** The command line, shown to a second run that is refused. */
  readonly command: string;
  readonly probes?: ProcessProbes | undefined;
}

// A breaker that died while holding `.break` (the guard names it, as a lock names its holder) is
// seen dead at once; one that cannot be judged blocks others for this long at most.
const BREAK_GUARD_STALE_MS = 10_000;
const MAX_TRIES = 50;

/** Takes the lock of the pipeline folder `root`, or throws RunLockedError naming the holder. */
export function acquireRunLock(root: string, options: RunLockOptions): RunLock {
  const stateDir = stateDirOf(root);
  try {
    fs.mkdirSync(stateDir, { recursive: true });
  } catch (error) {
    throw classifyFault(error, { writing: stateDir }) ?? error;
  }
  const lockPath = path.join(stateDir, 'lock');
  const info: LockInfo = {
    pid: process.pid,
    hostname: os.hostname(),
    startedAt: new Date().toISOString(),
    command: options.command,
    token: randomUUID(),
    bootId: readBootId(),
    processStart: readProcessStart(process.pid),
  };
  // Written whole under a private name, then linked into place: link(2) fails if the lock exists,
  // like O_EXCL, and nobody can ever read a half-written lock (also true on NFS).
  const draft = `${lockPath}.${process.pid}.${info.token}.tmp`;
  try {
    fs.writeFileSync(draft, `${JSON.stringify(info)}\n`);
  } catch (error) {
    fs.rmSync(draft, { force: true });
    throw classifyFault(error, { writing: lockPath }) ?? error;
  }
  const probes = options.probes ?? SYSTEM_PROBES;
  let note: string | undefined;
  try {
    for (let tries = 0; tries < MAX_TRIES; tries += 1) {
      if (tryLink(draft, lockPath)) return holdLock(lockPath, info, note);
      const text = readIfExists(lockPath);
      if (text === undefined) continue; // released in between: try again
      const holder = parseLockInfo(text);
      const verdict: HolderVerdict =
        holder === undefined ? { alive: false, why: 'it is unreadable' } : judgeLockHolder(holder, probes);
      if (holder !== undefined && verdict.alive) throw new RunLockedError(lockPath, holder, verdict.note);
      if (verdict.alive) continue; // not reached: an unreadable lock is never alive
      const who = holder === undefined ? 'a previous run' : `pid ${holder.pid} (started ${holder.startedAt})`;
      if (breakStaleLock(lockPath, text, draft, probes)) note = `Took over the lock left by ${who}: ${verdict.why}.`;
      else sleep(20); // another run is breaking it: look again shortly
    }
  } finally {
    fs.rmSync(draft, { force: true });
  }
  throw new LockBusyError(`Could not take the lock ${lockPath}: other processes keep taking it; run again once they are done`, lockPath);
}

function holdLock(lockPath: string, info: LockInfo, note: string | undefined): RunLock {
  let held = true;
  const release = (): void => {
    if (!held) return;
    held = false;
    process.off('exit', release);
    const current = parseLockInfo(readIfExists(lockPath) ?? '');
    if (current?.token === info.token) fs.rmSync(lockPath, { force: true });
  };
  process.on('exit', release);
  return { path: lockPath, info, note, release };
}

/**
 * Removes a stale lock, unless someone replaced it meanwhile. Two runs breaking the same stale
 * lock at once would otherwise let the slower one delete the faster one's fresh lock; the
 * `.break` guard, itself taken with link(2), makes the check-and-delete exclusive.
 */
function breakStaleLock(lockPath: string, staleText: string, draft: string, probes: ProcessProbes): boolean {
  const guard = `${lockPath}.break`;
  if (!tryLink(draft, guard)) {
    // The guard is a link to its breaker's draft: a breaker SIGKILLed in here is judged as a
    // dead holder is, instead of failing every run for BREAK_GUARD_STALE_MS.
    const text = readIfExists(guard);
    const breaker = text === undefined ? undefined : parseLockInfo(text);
    const dead = breaker !== undefined && !judgeLockHolder(breaker, probes).alive;
    const age = Date.now() - (fs.statSync(guard, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if ((dead || age > BREAK_GUARD_STALE_MS) && readIfExists(guard) === text) fs.rmSync(guard, { force: true });
    return false;
  }
  try {
    if (readIfExists(lockPath) !== staleText) return false;
    fs.rmSync(lockPath, { force: true });
    return true;
  } finally {
    fs.rmSync(guard, { force: true });
  }
}

function tryLink(from: string, to: string): boolean {
  try {
    fs.linkSync(from, to);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
