// Runs sluice's benchmarks: `npm run bench` runs them all, `npm run bench -- NAME...` some.
// Options: --rounds N (default 3), --set key=value (benchmark settings), --list, --against REF
// (spawn-overhead, noop-rerun, diabetes-throughput: sluice's rows also as built at git REF).
// A new benchmark is a file exporting a Benchmark, added to `benchmarks` below.
import { parseArgs } from 'node:util';
import type { Benchmark } from './benchmark.ts';
import { spawnOverheadBenchmark } from './spawn-overhead.ts';
import { workerTasksBenchmark } from './worker-tasks.ts';
import { diabetesStepsBenchmark } from './diabetes-steps.ts';
import { diabetesThroughputBenchmark } from './diabetes-throughput.ts';
import { noopRerunBenchmark } from './noop-rerun.ts';
import { planMillionBenchmark } from './plan-million.ts';
import { slurmArrayBenchmark } from './slurm-array.ts';
import { wildcardMatchBenchmark } from './wildcard-match.ts';

const benchmarks: readonly Benchmark[] = [spawnOverheadBenchmark, workerTasksBenchmark, noopRerunBenchmark, planMillionBenchmark, wildcardMatchBenchmark, slurmArrayBenchmark, diabetesThroughputBenchmark, diabetesStepsBenchmark];

async function runBenchmarks(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      rounds: { type: 'string', default: '3' },
      set: { type: 'string', multiple: true, default: [] },
      list: { type: 'boolean', default: false },
      against: { type: 'string' },
    },
  });
  if (values.list) {
    for (const benchmark of benchmarks) console.log(`${benchmark.name}\t${benchmark.description}`);
    return 0;
  }
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds <= 0) {
    console.error(`Expected \`--rounds\` to be a positive integer, got \`${values.rounds}\``);
    return 2;
  }
  const settings = new Map<string, string>();
  for (const pair of values.set) {
    const at = pair.indexOf('=');
    if (at <= 0) {
      console.error(`Expected \`--set\` to be key=value, got \`${pair}\``);
      return 2;
    }
    settings.set(pair.slice(0, at), pair.slice(at + 1));
  }
  const unknown = positionals.filter((name) => !benchmarks.some((benchmark) => benchmark.name === name));
  if (unknown.length > 0) {
    console.error(`Unknown benchmark \`${unknown.join('`, `')}\`; known: ${benchmarks.map((b) => b.name).join(', ')}`);
    return 2;
  }
  const chosen = positionals.length === 0 ? benchmarks : benchmarks.filter((b) => positionals.includes(b.name));
  for (const benchmark of chosen) await benchmark.run({ rounds, settings, against: values.against });
  return 0;
}

process.exitCode = await runBenchmarks(process.argv.slice(2));
