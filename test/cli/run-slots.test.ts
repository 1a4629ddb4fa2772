import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir, runSluice } from '../helpers/run-sluice.ts';

// Command tasks (processes) and function tasks (worker threads) of several steps, a 2-cpu task of
// each kind, and a task of each kind that fails once and is retried. Every task appends its own
// start and end to `stamps.log`, read from its own clock (`date`, `Date.now()`), in milliseconds.
function pipelineSource(log: string): string {
  const shStamp = (what: string, id: string, cpus: number): string => `echo "${what} ${id} ${cpus} $(date +%s%3N)" >> '${log}'`;
  return `
import fs from 'node:fs';
import { pipeline, step, sh } from 'sluice';

const stamp = (what: string, id: string, cpus: number): void => fs.appendFileSync(${JSON.stringify(log)}, \`\${what} \${id} \${cpus} \${Date.now()}\\n\`);
const nap = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const spin = (ms: number): void => { const until = Date.now() + ms; while (Date.now() < until); };

export default pipeline({
  steps: {
    shell: step({
      in: 'data/{p}.txt',
      out: 'shell/{p}',
      run: sh(\`${shStamp('start', 'shell-{p}', 1)}; sleep 0.4; ${shStamp('end', 'shell-{p}', 1)}; touch {out}\`),
    }),
    first: step({
      in: 'data/{p}.txt',
      out: 'first/{p}',
      run: async ({ output, wildcards }) => {
        stamp('start', \`first-\${wildcards.p}\`, 1);
        await nap(400);
        stamp('end', \`first-\${wildcards.p}\`, 1);
        fs.writeFileSync(output, 'first');
      },
    }),
    second: step({
      in: 'first/{p}',
      out: 'second/{p}',
      run: ({ output, wildcards }) => {
        stamp('start', \`second-\${wildcards.p}\`, 1);
        spin(400);
        stamp('end', \`second-\${wildcards.p}\`, 1);
        fs.writeFileSync(output, 'second');
      },
    }),
    wideShell: step({
      in: 'data/a.txt',
      out: 'wide/shell',
      cpus: 2,
      run: sh(\`${shStamp('start', 'wide-shell', 2)}; sleep 0.4; ${shStamp('end', 'wide-shell', 2)}; touch {out}\`),
    }),
    wideFunction: step({
      in: 'data/b.txt',
      out: 'wide/function',
      cpus: 2,
      run: async ({ output }) => {
        stamp('start', 'wide-function', 2);
        await nap(400);
        stamp('end', 'wide-function', 2);
        fs.writeFileSync(output, 'wide');
      },
    }),
    flakyFunction: step({
      in: 'data/a.txt',
      out: 'flaky/function',
      retries: 1,
      run: async ({ output }) => {
        const again = fs.existsSync('flaky-function-tried');
        fs.writeFileSync('flaky-function-tried', '');
        stamp('start', \`flaky-function-\${again ? 2 : 1}\`, 1);
        await nap(400);
        stamp('end', \`flaky-function-\${again ? 2 : 1}\`, 1);
        if (!again) throw new Error('first attempt fails');
        fs.writeFileSync(output, 'flaky');
      },
    }),
    flakyShell: step({
      in: 'data/b.txt',
      out: 'flaky/shell',
      retries: 1,
      run: sh(
        \`if [ -e flaky-shell-tried ]; then n=2; else n=1; fi; touch flaky-shell-tried; \` +
          \`${shStamp('start', 'flaky-shell-$n', 1)}; sleep 0.4; ${shStamp('end', 'flaky-shell-$n', 1)}; [ "$n" = 2 ] && touch {out}\`,
      ),
    }),
  },
});
`;
}

interface Interval {
  readonly id: string;
  readonly cpus: number;
  readonly start: number;
  readonly end: number;
}

function readIntervals(log: string): Interval[] {
  const seen = new Map<string, { cpus: number; start?: number; end?: number }>();
  for (const line of fs.readFileSync(log, 'utf8').trim().split('\n')) {
    const [what, id, cpus, at] = line.split(' ') as [string, string, string, string];
    const entry = seen.get(id) ?? { cpus: Number(cpus) };
    assert.equal(entry[what as 'start' | 'end'], undefined, `${what} of ${id} written twice`);
    entry[what as 'start' | 'end'] = Number(at);
    seen.set(id, entry);
  }
  return [...seen].map(([id, { cpus, start, end }]) => {
    assert.ok(start !== undefined && end !== undefined && start <= end, `${id}: started ${start}, ended ${end}`);
    return { id, cpus, start, end };
  });
}

// The most slots held at once by the recorded intervals: a task holds min(cpus, jobs) slots. Both
// clocks are the system's wall clock, cut to whole milliseconds, so an end and a start in the
// same millisecond are taken in that order (the later task cannot have started earlier).
function peakSlots(intervals: readonly Interval[], jobs: number): { peak: number; at: string[] } {
  const events = intervals.flatMap((interval) => [
    { at: interval.start, change: Math.min(interval.cpus, jobs), interval },
    { at: interval.end, change: -Math.min(interval.cpus, jobs), interval },
  ]);
  events.sort((a, b) => a.at - b.at || a.change - b.change);
  let held = 0;
  let peak = 0;
  let at: string[] = [];
  const running = new Set<Interval>();
  for (const event of events) {
    held += event.change;
    if (event.change > 0) running.add(event.interval);
    else running.delete(event.interval);
    if (held > peak) {
      peak = held;
      at = [...running].map((interval) => interval.id).sort();
    }
  }
  return { peak, at };
}

describe('sluice run: slots', () => {
  for (const jobs of [1, 2, 3]) {
    it(`never runs command and function tasks together beyond -j ${jobs}, counting cpus`, async () => {
      const dir = makeTempDir('sluice-slots-');
      fs.mkdirSync(path.join(dir, 'data'));
      for (const p of ['a', 'b']) fs.writeFileSync(path.join(dir, 'data', `${p}.txt`), `${p}\n`);
      const log = path.join(dir, 'stamps.log');
      fs.writeFileSync(path.join(dir, 'pipeline.ts'), pipelineSource(log));
      const result = await runSluice(['run', '-q', '-j', String(jobs)], { cwd: dir });
      assert.equal(result.code, 0, result.stderr);
      const intervals = readIntervals(log);
      assert.deepEqual(intervals.map((interval) => interval.id).sort(), [
        'first-a', 'first-b', 'flaky-function-1', 'flaky-function-2', 'flaky-shell-1', 'flaky-shell-2',
        'second-a', 'second-b', 'shell-a', 'shell-b', 'wide-function', 'wide-shell',
      ]);
      const { peak, at } = peakSlots(intervals, jobs);
      assert.ok(peak <= jobs, `-j ${jobs}, but ${peak} slots were held at once, by ${at.join(', ')}`);
    });
  }
});
