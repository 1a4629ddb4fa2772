// `npm run example:chaos`: the logistic map over a list of start values, first on one thread, then
// through sluice's worker-thread `map`, with the speed-up and the best this machine could do.
//
//   node --import tsx examples/chaos/main.ts [--depth N] [--values N] [--threads N]
import os from 'node:os';
import { parseArgs } from 'node:util';
import { map } from 'sluice';
import { idealSpeedup, iterateLogistic, spreadStarts, type ChaosItem } from './logistic.ts';

/** Iterations per value: about half a second of one core (measured: ~3 ns an iteration on a 2-core Xeon VM). */
const DEFAULT_DEPTH = 160_000_000;
const DEFAULT_VALUES = 8;

const USAGE = 'usage: main.ts [--depth N] [--values N] [--threads N]';

function readCount(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined) return fallback;
  // 250_000_000 and 2.5e8 are both fine.
  const value = Number(text.replaceAll('_', ''));
  if (text.trim() === '' || !Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`Expected \`--${name}\` to be a positive integer, got \`${text}\``);
  }
  return value;
}

/**
 * Starts every thread of `map`'s pool before the clock: each thread takes one item and waits for
 * the others, so no thread can take two. Returns how long that took.
 */
async function startThreads(threads: number): Promise<number> {
  const started = performance.now();
  const arrived = new Int32Array(new SharedArrayBuffer(4));
  await map(Array.from({ length: threads }, () => ({ arrived, threads })), (item) => {
    Atomics.add(item.arrived, 0, 1);
    const deadline = Date.now() + 10_000;
    while (Atomics.load(item.arrived, 0) < item.threads && Date.now() < deadline) Atomics.wait(item.arrived, 0, Atomics.load(item.arrived, 0), 5);
  }, { threads });
  return performance.now() - started;
}

function formatTime(ms: number): string {
  return ms < 1000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

async function main(): Promise<number> {
  const { values: flags } = parseArgs({
    options: { depth: { type: 'string' }, values: { type: 'string' }, threads: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (flags.help === true) {
    console.log(USAGE);
    return 0;
  }
  const cores = os.availableParallelism();
  const depth = readCount(flags.depth, 'depth', DEFAULT_DEPTH);
  const count = readCount(flags.values, 'values', DEFAULT_VALUES);
  const threads = readCount(flags.threads, 'threads', cores);
  const items: ChaosItem[] = spreadStarts(count).map((start) => ({ start, depth }));
  const load = os.loadavg()[0] ?? 0;

  console.log(`chaos: ${count} values × ${depth.toLocaleString('en')} iterations of x ← 3.71·x·(1 − x)`);
  console.log(`  ${cores} cores, load average ${load.toFixed(2)} before the run`);

  let started = performance.now();
  const serial = items.map(iterateLogistic);
  const serialMs = performance.now() - started;
  console.log(`  ${'one thread'.padEnd(18)}${formatTime(serialMs)}`);

  // Thread start is measured apart: it is paid once per process, not per map.
  const startMs = await startThreads(threads);
  started = performance.now();
  const pooled = await map(items, iterateLogistic, { threads });
  const pooledMs = performance.now() - started;
  console.log(`  ${`map, ${threads} thread${threads === 1 ? '' : 's'}`.padEnd(18)}${formatTime(pooledMs)} (and ${formatTime(startMs)} before, to start the threads)`);

  const speedup = serialMs / pooledMs;
  const workers = Math.min(cores, threads);
  const ideal = idealSpeedup(count, workers);
  console.log(
    `  speed-up ${speedup.toFixed(2)}×, ideal ${ideal.toFixed(2)}× for ${count} values on ${workers} core${workers === 1 ? '' : 's'}` +
      ` (${Math.round((100 * speedup) / ideal)}% of ideal)`,
  );
  const differing = serial.findIndex((value, index) => !Object.is(value, pooled[index]));
  if (differing >= 0) {
    console.error(`chaos: value ${differing} differs: one thread ${serial[differing]}, map ${pooled[differing]}`);
    return 1;
  }
  console.log(`  results identical on one thread and in the pool (first: ${serial[0]})`);
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(`chaos: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    process.exitCode = 2;
  },
);
