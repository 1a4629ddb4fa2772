import { Worker } from 'node:worker_threads';

// On Node 20 a worker thread does not inherit the parent's `--import tsx` module hooks, so a
// thread whose entry is TypeScript (sluice run from its sources) first registers tsx itself.
// Built sluice (dist/*.js) starts the entry directly.

/**
 * Starts a worker thread running `entry`, a .js module or, from sources, a .ts one. `claim` is
 * the memory it shares with its pool (claim-job.ts), its `workerData.claim`, beside `data`.
 */
export function startWorker(entry: URL, claim: Int32Array, data?: Readonly<Record<string, unknown>>): Worker {
  const workerData = { ...data, claim };
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, { workerData });
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap =
    `import(${JSON.stringify(tsx)})` +
    `.then((api) => { api.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(bootstrap, { eval: true, workerData });
}
