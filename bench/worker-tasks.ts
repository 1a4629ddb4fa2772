// What `map` costs per task: N tiny tasks (`x => x * 2`) on T worker threads, against raw
// worker_threads messaging measured in the same run: one postMessage round trip per item (one
// item in flight per thread), and one per fixed chunk of items. Contenders run alternately, once
// per round; the median of the rounds is reported. Raw threads are started before the clock;
// `map (warm pool)` likewise; `map (new pool)` includes starting its threads.
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { createPool, type Pool } from '../src/pool/create-pool.ts';
import { readCount, type Benchmark, type BenchmarkOptions } from './benchmark.ts';
import { formatTable, median } from './measure.ts';

interface Contender {
  readonly name: string;
  /** Doubles every item; returns the results, so each contender's output can be checked. */
  run(items: readonly number[]): Promise<number[]>;
}

interface Timing {
  readonly wallMs: number;
  /** CPU of the whole process, every thread included. */
  readonly cpuMs: number;
}

export const workerTasksBenchmark: Benchmark = {
  name: 'worker-tasks',
  description: 'per-task cost of map() on worker threads for tiny tasks, against raw worker_threads messages (settings: tasks, threads)',
  async run(options: BenchmarkOptions): Promise<void> {
    const tasks = readCount(options, 'tasks', 100_000);
    const threads = readCount(options, 'threads', 2);
    const items = Array.from({ length: tasks }, (_, index) => index);
    const raw = await startRawWorkers(threads);
    const warm = createPool({ threads });
    try {
      await warm.map(items.slice(0, threads * 4), (x) => x * 2);
      const chunk = Math.ceil(tasks / (threads * 8));
      const contenders: Contender[] = [
        { name: `map (warm pool)`, run: (list) => warm.map(list, (x) => x * 2) },
        { name: `map (new pool)`, run: (list) => withPool(threads, (pool) => pool.map(list, (x) => x * 2)) },
        { name: `raw, 1 item per message`, run: (list) => runRaw(raw, list, 1) },
        { name: `raw, ${chunk} items per message`, run: (list) => runRaw(raw, list, chunk) },
      ];
      console.log(`worker-tasks: ${tasks} × \`x => x * 2\` on ${threads} threads, ${options.rounds} rounds, alternating`);
      const timings = new Map<string, Timing[]>(contenders.map((contender) => [contender.name, []]));
      for (let round = 0; round < options.rounds; round++) {
        for (const contender of contenders) timings.get(contender.name)!.push(await timeContender(contender, items));
      }
      console.log(`\n${formatResults(contenders, timings, tasks)}`);
    } finally {
      await warm.close();
      await Promise.all(raw.map((worker) => worker.terminate()));
    }
  },
};

async function timeContender(contender: Contender, items: readonly number[]): Promise<Timing> {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const results = await contender.run(items);
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  if (results.length !== items.length || results.some((value, index) => value !== index * 2)) {
    throw new Error(`${contender.name} returned wrong results`);
  }
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

async function withPool<T>(threads: number, work: (pool: Pool) => Promise<T>): Promise<T> {
  const pool = createPool({ threads });
  try {
    return await work(pool);
  } finally {
    await pool.close();
  }
}

// The least a pool can do: a thread that doubles what it is sent, as plain JavaScript.
const RAW_WORKER = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', ({ offset, items }) => {
  const results = new Array(items.length);
  for (let at = 0; at < items.length; at++) results[at] = items[at] * 2;
  parentPort.postMessage({ offset, results });
});
parentPort.postMessage('ready');
`;

async function startRawWorkers(threads: number): Promise<Worker[]> {
  return Promise.all(
    Array.from({ length: threads }, async () => {
      const worker = new Worker(RAW_WORKER, { eval: true });
      await new Promise((resolve, reject) => worker.once('message', resolve).once('error', reject));
      return worker;
    }),
  );
}

/** Each thread has one message in flight; the next goes when its answer comes back. */
async function runRaw(workers: readonly Worker[], items: readonly number[], chunk: number): Promise<number[]> {
  const results = new Array<number>(items.length);
  let next = 0;
  await Promise.all(
    workers.map(
      (worker) =>
        new Promise<void>((resolve, reject) => {
          const send = (): void => {
            if (next >= items.length) {
              worker.off('message', receive).off('error', reject);
              resolve();
              return;
            }
            const offset = next;
            next += chunk;
            worker.postMessage({ offset, items: items.slice(offset, offset + chunk) });
          };
          const receive = ({ offset, results: done }: { offset: number; results: number[] }): void => {
            for (let at = 0; at < done.length; at++) results[offset + at] = done[at]!;
            send();
          };
          worker.on('message', receive).on('error', reject);
          send();
        }),
    ),
  );
  return results;
}

function formatResults(contenders: readonly Contender[], timings: ReadonlyMap<string, Timing[]>, tasks: number): string {
  const perTask = (name: string, pick: (timing: Timing) => number): number[] =>
    (timings.get(name) ?? []).map((timing) => (pick(timing) * 1000) / tasks);
  const base = median(perTask(contenders[0]!.name, (timing) => timing.wallMs));
  const rows = contenders.map(({ name }) => {
    const wall = perTask(name, (timing) => timing.wallMs);
    return [
      name,
      median(wall).toFixed(3),
      `${(median(wall) / base).toFixed(2)}×`,
      median(perTask(name, (timing) => timing.cpuMs)).toFixed(3),
      wall.map((us) => us.toFixed(3)).join(' '),
    ];
  });
  return formatTable(['µs per task', 'median wall', 'vs map', 'median CPU', 'wall of each round'], rows);
}
