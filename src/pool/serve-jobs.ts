import { parentPort, workerData } from 'node:worker_threads';
import { bug } from '../errors.ts';
import { endSpawnedProcesses } from '../process/end-spawned-processes.ts';
import { countSpawns, readLedgerPids, readLedgerSincePid, startLedgerJob } from '../process/spawn-ledger.ts';
import { tagSpawns } from '../process/tag-spawns.ts';
import { takeJob, type Envelope } from './claim-job.ts';
import type { ThreadData } from './thread-processes.ts';

/** Shorter than this, a job cannot have seen pids wrap around all the way (32,768 on many systems). */
const SHORT_JOB_MS = 5000;

/**
 * The thread side of a worker pool: says it is ready (its first message), then answers each job
 * with exactly one message, one job at a time and in the order they came. A job that throws, or
 * whose answer cannot be cloned, is answered with `describeFailure(error)` instead. A job that
 * waited behind another one and that the pool took back is skipped, unanswered. The processes a
 * job started and left running are ended before it is answered: none outlives its job.
 */
export function serveJobs<In, Out>(handle: (message: In) => Out | Promise<Out>, describeFailure: (error: unknown) => Out): void {
  const port = parentPort;
  const data = workerData as Partial<ThreadData> | null;
  const claim = data?.claim;
  if (port === null || claim === undefined) bug('serveJobs must run on a worker pool thread');
  const ledger = data?.spawns;
  const tag = ledger === undefined ? undefined : tagSpawns(ledger);
  // Jobs that came while an asynchronous one was running.
  const waiting: Envelope<In>[] = [];
  let busy = false;
  port.postMessage('ready');
  port.on('message', (envelope: Envelope<In>) => {
    waiting.push(envelope);
    if (!busy) next();
  });

  function next(): void {
    while (!busy && waiting.length > 0) {
      const [number, message] = waiting.shift() as Envelope<In>;
      if (!takeJob(claim as Int32Array, number)) continue;
      const spawnsBefore = ledger === undefined ? 0 : countSpawns(ledger);
      const startedAt = Date.now();
      if (ledger !== undefined) startLedgerJob(ledger);
      let answer: Out | Promise<Out>;
      try {
        answer = handle(message);
      } catch (error) {
        answer = describeFailure(error);
      }
      const started = ledger !== undefined && countSpawns(ledger) !== spawnsBefore;
      if (answer instanceof Promise || started) {
        busy = true;
        Promise.resolve(answer)
          .then(undefined, (error: unknown) => describeFailure(error))
          .then(async (settled) => {
            if (ledger !== undefined && tag !== undefined && countSpawns(ledger) !== spawnsBefore) {
              // A short job's processes have the pids given since it started (find-spawned.ts).
              const sincePid = Date.now() - startedAt < SHORT_JOB_MS ? readLedgerSincePid(ledger) : undefined;
              const target = { tag, pids: readLedgerPids(ledger), sinceTicks: data?.sinceTicks ?? 0, sincePid };
              await endSpawnedProcesses(target, data?.killGraceMs).catch(() => {});
            }
            send(settled);
          })
          .then(() => {
            busy = false;
            next();
          });
      } else send(answer);
    }
  }

  function send(answer: Out): void {
    try {
      port!.postMessage(answer);
    } catch (error) {
      port!.postMessage(describeFailure(error));
    }
  }
}
