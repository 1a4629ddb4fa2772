import fs from 'node:fs';
import path from 'node:path';
import type { Task } from '../../kernel/task.ts';
import { makeTaskKey } from '../../state/freshness/task-key.ts';
import { isTerminalState, type JobReport } from './job-state.ts';
import type { JobLedger, LedgerEntry } from './job-ledger.ts';
import { splitJobId } from './parse-job-id.ts';
import type { SlurmClient } from './slurm-client.ts';
import { markerPathOf, readJsonFile, type Marker, type TaskFile } from './task-files.ts';

// Jobs an earlier sluice submitted and never saw end (it was killed): those still queued or
// running, and those that succeeded meanwhile, stand in for their tasks when this run submits
// the same work again, so nothing runs twice.

export interface Adoptable {
  readonly entry: LedgerEntry;
}

export interface AdoptablePool {
  /** The earlier job that does this task's work, if any; each is handed out once. */
  take(task: Task): Adoptable | undefined;
  /** Jobs still queued or running that no task of this run took: to be cancelled. */
  unclaimed(): LedgerEntry[];
}

export async function findAdoptable(ledger: JobLedger, client: SlurmClient): Promise<AdoptablePool> {
  const pool = new Map<string, { entry: LedgerEntry; marker: Marker | undefined }>();
  const undecided: LedgerEntry[] = [];
  const dead: LedgerEntry[] = [];
  for (const entry of ledger.live.values()) {
    const marker = readJsonFile<Marker>(markerPathOf(entry.taskFile));
    if (marker?.status === 'succeeded') pool.set(entry.key, { entry, marker });
    else if (marker !== undefined) dead.push(entry);
    else undecided.push(entry);
  }
  if (undecided.length > 0) {
    const masters = [...new Set(undecided.map((entry) => splitJobId(entry.job).job))];
    const queued = await client.queue(masters);
    const accounted = queued === undefined ? undefined : await client.accounting(masters);
    const reports = new Map<string, JobReport>([...(accounted ?? []), ...(queued ?? [])].map((report) => [report.id, report]));
    for (const entry of undecided) {
      const report = reports.get(entry.job);
      // A failed query is no news: keep the job; watching it will tell.
      const alive = queued === undefined || (report !== undefined && !isTerminalState(report.state));
      if (alive) pool.set(entry.key, { entry, marker: undefined });
      else dead.push(entry);
    }
  }
  if (dead.length > 0) ledger.ended(dead);
  const taken = new Set<string>();
  return {
    take(task) {
      const key = makeTaskKey(task);
      const found = pool.get(key);
      if (found === undefined) return undefined;
      pool.delete(key);
      taken.add(found.entry.job);
      const earlier = readJsonFile<TaskFile>(found.entry.taskFile)?.task;
      const usable =
        earlier !== undefined &&
        sameWork(earlier, task) &&
        (found.marker === undefined || stillValid(task, found.marker));
      if (usable) return { entry: found.entry };
      // Other work than this run's: stop it (with its array job's other tasks, if it ran several).
      if (found.marker === undefined) void client.cancel([found.entry.job]);
      ledger.ended([found.entry]);
      return undefined;
    },
    unclaimed() {
      const left = [...pool.values()];
      pool.clear();
      if (left.length > 0) ledger.ended(left.map(({ entry }) => entry));
      const running = left.filter(({ marker }) => marker === undefined).map(({ entry }) => entry);
      // A job that also runs a task this run took over keeps running.
      return running.filter((entry) => !taken.has(entry.job));
    },
  };
}

/** The same work whatever the task's number in its run. */
function sameWork(a: Task, b: Task): boolean {
  return JSON.stringify({ ...a, id: 0 }) === JSON.stringify({ ...b, id: 0 });
}

/** A success from while sluice was away counts if its outputs are there and no input changed since. */
function stillValid(task: Task, marker: Marker): boolean {
  for (const output of task.outputs) if (!fs.existsSync(path.resolve(task.cwd, output))) return false;
  for (const input of task.inputs) {
    const stat = fs.statSync(path.resolve(task.cwd, input), { throwIfNoEntry: false });
    if (stat === undefined || stat.mtimeMs > marker.startedAt) return false;
  }
  return true;
}
