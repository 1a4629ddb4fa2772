// Matching a path pattern with many wildcards against names full of separators: the adversarial
// case of issue 12 (`{a}_{b}_…_{h}.fastq` against a name with 40 underscores took a backtracking
// regex 2.1 s per name with 8 wildcards, 54 s with 10; 24 never finished). Prints time per name
// and its ratio to the baseline measured in the same invocation: one wildcard on the matching names
// (the first row).
// The old regex is timed too, at the small wildcard counts it survives (settings: names).
import { matchPathPattern, parsePathPattern } from '../src/plan/path-pattern.ts';
import { readCount, type Benchmark, type BenchmarkOptions } from './benchmark.ts';
import { formatTable, median } from './measure.ts';

export const wildcardMatchBenchmark: Benchmark = {
  name: 'wildcard-match',
  description: 'path patterns with 1 to 24 wildcards against names with 40 underscores, against the old regex (settings: names)',
  async run(options: BenchmarkOptions): Promise<void> {
    const count = readCount(options, 'names', 20_000);
    // Names that almost match (a `/` before `.fastq`, which no wildcard crosses): the regex tried
    // every split of the underscores before failing; the matcher's table fails them at once.
    const names = Array.from({ length: count }, (_, index) => flat(`${'a_'.repeat(40)}${index}/a.fastq`));
    const matching = Array.from({ length: count }, (_, index) => flat(`${'a_'.repeat(40)}${index}.fastq`));
    const sourceOf = (wildcards: number): string => `${Array.from({ length: wildcards }, (_, index) => `{w${index}}`).join('_')}.fastq`;
    console.log(`wildcard-match: ${count} names of ${names[0]?.length} characters, ${options.rounds} rounds; per name, median`);
    const perName = (wildcards: number, list: readonly string[], match: (name: string) => unknown): number => {
      const times: number[] = [];
      for (let round = 0; round < options.rounds; round++) {
        const started = performance.now();
        for (const name of list) match(name);
        times.push(((performance.now() - started) * 1000) / list.length);
      }
      return median(times);
    };
    const linear = (wildcards: number, list: readonly string[]): number => {
      const pattern = parsePathPattern(sourceOf(wildcards), 'the benchmark');
      return perName(wildcards, list, (name) => matchPathPattern(pattern, name));
    };
    linear(24, matching); // warm-up: the first timed pattern should not pay for compiling the matcher
    const timed = [1, 2, 4, 8, 10, 24].map((wildcards) => ({ wildcards, miss: linear(wildcards, names), hit: linear(wildcards, matching) }));
    const baseline = timed[0]?.hit ?? Number.NaN;
    const rows = timed.map(({ wildcards, miss, hit }) => [
      `${wildcards} wildcards`,
      `${miss.toFixed(2)} µs`,
      `${(miss / baseline).toFixed(1)}x`,
      `${hit.toFixed(2)} µs`,
      `${(hit / baseline).toFixed(1)}x`,
    ]);
    // The regex sluice used before: exponential, so only small counts and a few names.
    for (const wildcards of [2, 3, 4]) {
      const regex = regexOf(sourceOf(wildcards));
      const few = names.slice(0, Math.max(1, Math.floor(count / 10 ** (wildcards - 1))));
      const miss = perName(wildcards, few, (name) => regex.exec(name));
      rows.push([`old regex, ${wildcards}`, `${miss.toFixed(2)} µs`, `${(miss / baseline).toFixed(1)}x`, '', '']);
    }
    console.log(formatTable(['pattern', 'no match', 'ratio', 'match', 'ratio'], rows));
  },
};

function regexOf(source: string): RegExp {
  const body = source.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[A-Za-z_][A-Za-z0-9_]*\}/g, '([^/]+)');
  return new RegExp(`^${body}$`);
}

// A name built by concatenation is a rope that the first reader flattens: flatten before timing.
function flat(name: string): string {
  return Buffer.from(name).toString();
}
