// The running_processes table: every process group a run's tasks started and has not seen end,
// its launcher helper, and the run itself when its function steps may start processes, written as they start so that a SIGKILL of sluice leaves them named.
// Writes are batched per turn of the event loop; a group that started and ended in one turn is
// never written. The python helper keeps the ledger of the groups it starts itself, in a file
// beside the database (`.sluice/launchers/<helper pid>`), written before it reports each start:
// a helper's row stands for the groups its ledger names, and no row is written per task.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { StateStore } from '../store/open-store.ts';
import { readBootId } from '../lock/process-start.ts';
import { parseLauncherLedger } from '../../kernel/parse-launcher-ledger.ts';
import { ledgerDirIn } from '../store/state-dir.ts';

export interface RecordedProcess {
  /** `launched`: the processes that carry a dead helper's SLUICE_COOKIE (its ledger was left). */
  readonly kind: 'group' | 'helper' | 'spawner' | 'launched';
  readonly pid: number;
  /** Start time in clock ticks since boot; undefined when the system did not tell. */
  readonly start: string | undefined;
}

export interface ProcessRecorder {
  groupStarted(pgid: number, leaderStart: string | undefined): void;
  groupEnded(pgid: number): void;
  /** Written at once: the helper is recorded before it starts any task. */
  helperStarted(pid: number, start: string | undefined): void;
  /** Written at once, before a function step runs: this sluice, whose pid tags what they start. */
  spawnerStarted(pid: number, start: string | undefined): void;
  /** Writes what is pending now. Idempotent. */
  flush(): void;
  /** Where the python helper keeps its ledger of groups (GroupWatcher.ledgerDir). */
  readonly ledgerDir: string;
}

/** The folder of the helpers' ledgers of groups, beside the database. */
export function ledgerDirOf(store: Pick<StateStore, 'stateDir'>): string {
  return ledgerDirIn(store.stateDir);
}

/** Where a recorded pid and start time mean something: this boot of this machine. */
export function machineId(): string {
  return readBootId() ?? os.hostname();
}

/** `owner`: the recording run's lock token. */
export function createProcessRecorder(store: StateStore, owner: string): ProcessRecorder {
  const machine = machineId();
  const started = new Map<number, string>(); // pgid -> start, not written yet
  const written = new Map<number, string>(); // pgid -> start, in the table
  const ended: Array<[number, string]> = [];
  let queued = false;
  const insert = (kind: string, pid: number, start: string): void => {
    store
      .statement('INSERT OR REPLACE INTO running_processes (kind, pid, start, machine, owner) VALUES (?, ?, ?, ?, ?)')
      .run(kind, pid, start, machine, owner);
  };
  const flush = (): void => {
    queued = false;
    if (started.size === 0 && ended.length === 0) return;
    if (!store.db.open) return;
    store.db.transaction(() => {
      for (const [pgid, start] of started) {
        insert('group', pgid, start);
        written.set(pgid, start);
      }
      const remove = store.statement("DELETE FROM running_processes WHERE kind = 'group' AND pid = ? AND start = ?");
      for (const [pgid, start] of ended) remove.run(pgid, start);
    })();
    started.clear();
    ended.length = 0;
  };
  const queue = (): void => {
    if (queued) return;
    queued = true;
    setImmediate(flush);
  };
  return {
    groupStarted(pgid, leaderStart) {
      started.set(pgid, leaderStart ?? '');
      queue();
    },
    groupEnded(pgid) {
      if (started.delete(pgid)) return;
      const start = written.get(pgid);
      if (start === undefined) return;
      written.delete(pgid);
      ended.push([pgid, start]);
      queue();
    },
    helperStarted(pid, start) {
      insert('helper', pid, start ?? '');
    },
    spawnerStarted(pid, start) {
      insert('spawner', pid, start ?? '');
    },
    flush,
    ledgerDir: ledgerDirOf(store),
  };
}

/** Everything recorded, by any run; `here`: recorded on this machine, this boot (the rest means nothing here). */
export function readRunningProcesses(store: StateStore): { readonly here: RecordedProcess[]; readonly total: number } {
  const machine = machineId();
  const rows = store.statement('SELECT kind, pid, start, machine FROM running_processes').all() as Array<{
    kind: 'group' | 'helper' | 'spawner';
    pid: number;
    start: string;
    machine: string;
  }>;
  const here: RecordedProcess[] = [];
  for (const row of rows) {
    if (row.machine !== machine) continue;
    const start = row.start === '' ? undefined : row.start;
    here.push({ kind: row.kind, pid: row.pid, start });
    if (row.kind !== 'helper') continue;
    const groups = readLedger(store, row.pid, start);
    // Left behind: the helper did not end cleanly. It may have died between a spawn and the
    // ledger line of that group: its tasks are also found by the cookie they inherit.
    if (groups !== undefined) here.push(...groups, { kind: 'launched', pid: row.pid, start });
  }
  return { here, total: rows.length };
}

// The groups a helper's ledger names that started after it did (an older file of a former
// process with its pid names nothing of its own).
function readLedger(store: StateStore, helper: number, helperStart: string | undefined): RecordedProcess[] | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path.join(ledgerDirOf(store), String(helper)), 'utf8');
  } catch {
    return undefined; // none: it ended every task it started, or never kept one
  }
  return parseLauncherLedger(text)
    .groups.filter(({ start }) => start === undefined || helperStart === undefined || Number(start) >= Number(helperStart))
    .map(({ pgid, start }) => ({ kind: 'group', pid: pgid, start }));
}

export function forgetRunningProcesses(store: StateStore): void {
  const helpers = store.statement("SELECT pid FROM running_processes WHERE kind = 'helper'").pluck().all() as number[];
  store.statement('DELETE FROM running_processes').run();
  // Each was ended (end-previous-run.ts): one of those pids alive again is another process's, and
  // the file of that name may be the ledger of the launcher this run started early: left.
  for (const pid of helpers) if (!isAlive(pid)) removeLedger(path.join(ledgerDirOf(store), String(pid)));
}

// A ledger whose folder is gone, or is no folder now (`.sluice/` replaced by a file during the
// run, which the run says in its own paragraph), has nothing left to remove.
function removeLedger(file: string): void {
  try {
    fs.rmSync(file, { force: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOTDIR') throw error;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
