// A pipeline of N one-input, one-output tasks, all recorded as succeeded, for the performance
// test and the bench: what a no-op re-run costs the state layer.

import fs from 'node:fs';
import path from 'node:path';
import type { Task } from '../../src/kernel/task.ts';
import { checkUpToDate } from '../../src/state/freshness/check-up-to-date.ts';
import { createHashCache } from '../../src/state/hashes/hash-cache.ts';
import { openStore } from '../../src/state/store/open-store.ts';
import { createJournal } from '../../src/state/journal/journal.ts';
import { signTasks, type SignableTask } from '../../src/state/freshness/sign-tasks.ts';

export type WorkloadTask = SignableTask & { readonly task: Task };

export interface Workload {
  readonly tasks: readonly WorkloadTask[];
  readonly recordMs: number;
}

export async function setUpToDateTasks(root: string, count: number): Promise<Workload> {
  fs.mkdirSync(path.join(root, 'data'), { recursive: true });
  fs.mkdirSync(path.join(root, 'out'), { recursive: true });
  const old = new Date(Date.now() - 3600_000);
  const tasks: WorkloadTask[] = [];
  for (let i = 1; i <= count; i += 1) {
    const input = `data/sample-${i}.tsv`;
    fs.writeFileSync(path.join(root, input), `patient ${i}\n`);
    fs.utimesSync(path.join(root, input), old, old);
    const task: Task = {
      id: i,
      step: 'to-csv',
      action: { kind: 'argv', argv: ['python3', 'to-csv.py', input, { parts: [{ output: 0 }] }] },
      inputs: [input],
      outputs: [`out/sample-${i}.csv`],
      cwd: root,
      resources: { cpus: 1, retries: 0 },
    };
    tasks.push({ task, params: { separator: ',', header: true }, env: { LC_ALL: 'C' } });
  }
  const store = openStore(root);
  const signatures = await signTasks(createHashCache(store), tasks);
  const journal = createJournal(store);
  journal.startRun({ id: '20260101-000000-1', command: 'bench' });
  const started = performance.now();
  for (const [i, { task }] of tasks.entries()) {
    fs.writeFileSync(path.join(root, task.outputs[0]!), 'csv\n');
    void journal.commitSuccess({ task, attempt: 1, signature: signatures[i]!, startedAt: Date.now() });
  }
  journal.flush();
  const recordMs = performance.now() - started;
  store.close();
  return { tasks, recordMs };
}

export interface CheckTiming {
  readonly openMs: number;
  readonly signMs: number;
  readonly checkMs: number;
  readonly totalMs: number;
  /** User + system CPU time of the whole check: what it costs, however busy the machine is. */
  readonly cpuMs: number;
  readonly upToDate: number;
  readonly hashed: number;
}

/** A fresh process's view: open the store, sign every task, judge them all. */
export async function timeUpToDateCheck(root: string, tasks: readonly WorkloadTask[]): Promise<CheckTiming> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const store = openStore(root);
  const cache = createHashCache(store);
  const t1 = performance.now();
  const signatures = await signTasks(cache, tasks);
  const t2 = performance.now();
  const verdicts = checkUpToDate(store, tasks.map(({ task }, i) => ({ task, signature: signatures[i]! })));
  const t3 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  store.close();
  return {
    openMs: t1 - t0,
    signMs: t2 - t1,
    checkMs: t3 - t2,
    totalMs: t3 - t0,
    cpuMs: (cpu.user + cpu.system) / 1000,
    upToDate: verdicts.filter((v) => v.upToDate).length,
    hashed: cache.counts.hashed,
  };
}
