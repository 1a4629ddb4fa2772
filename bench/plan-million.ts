// Planning a very large map step: `sluice map --dry-run` over N inputs read from standard
// input, with an output per task (so every conflict check runs). Reports time, CPU time (user +
// sys: on a shared machine the load adds wall time) and peak memory.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readCount, type Benchmark, type BenchmarkOptions } from './benchmark.ts';
import { buildCli, findOnPath } from './build-cli.ts';
import { formatTable, median } from './measure.ts';

export const planMillionBenchmark: Benchmark = {
  name: 'plan-million',
  description: 'time and peak memory of planning a 1,000,000-task map step with --dry-run (settings: tasks)',
  async run(options: BenchmarkOptions): Promise<void> {
    const tasks = readCount(options, 'tasks', 1_000_000);
    const dir = await mkdtemp(path.join(tmpdir(), 'sluice-plan-'));
    try {
      const cli = await buildCli(dir);
      if (cli === undefined) throw new Error('src/cli/main.ts is missing');
      if (!findOnPath('time') && !findOnPath('/usr/bin/time')) console.log('  note: GNU time is missing: peak memory is not reported');
      const input = Array.from({ length: tasks }, (_, index) => `sample-${index}.fq`).join('\n');
      // The shape of an alignment step (`bowtie2 -x ref -U {} -S {out}`), with a program every
      // machine has: planning checks that the program is on PATH, and bowtie2 may not be.
      const argv = [...cli.command, 'map', '--dry-run', '--in', '-', '--out', 'out/{stem}.bam', '--', 'cp', '--preserve=mode', '{}', '{out}'];
      console.log(`plan-million: ${tasks} tasks, ${options.rounds} rounds (${cli.label}); targets: at most 8 s and 1 GB`);
      const runs: Array<{ seconds: number; cpuSeconds: number; peakMb: number }> = [];
      for (let round = 0; round < options.rounds; round++) runs.push(await timeWithPeak(argv, input, dir));
      const rows = runs.map((run, index) => [`round ${index + 1}`, `${run.seconds.toFixed(2)} s`, `${run.cpuSeconds.toFixed(2)} s`, `${run.peakMb.toFixed(0)} MB`]);
      const of = (pick: (run: (typeof runs)[number]) => number): number => median(runs.map(pick));
      rows.push(['median', `${of((run) => run.seconds).toFixed(2)} s`, `${of((run) => run.cpuSeconds).toFixed(2)} s`, `${of((run) => run.peakMb).toFixed(0)} MB`]);
      console.log(formatTable(['', 'wall', 'cpu', 'peak RSS'], rows));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};

// GNU time reports the peak resident set of the command it runs, and its user and system time.
function timeWithPeak(argv: readonly string[], input: string, cwd: string): Promise<{ seconds: number; cpuSeconds: number; peakMb: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('/usr/bin/time', ['-f', '%M %U %S', ...argv], { cwd, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdin.end(input);
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) return reject(new Error(`sluice map --dry-run failed (${code}): ${stderr.slice(-500)}`));
      const [kb, user, system] = (stderr.trim().split('\n').at(-1) ?? '').split(' ').map(Number);
      resolve({ seconds: (performance.now() - started) / 1000, cpuSeconds: (user ?? NaN) + (system ?? NaN), peakMb: (kb ?? NaN) / 1024 });
    });
  });
}
