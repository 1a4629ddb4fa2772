// What sluice adds per task on Slurm: a step of N tasks (`cp` of a small file) run by
// `sluice map --executor slurm` against the same work as one plain `sbatch --array` job, on the
// local test cluster (scripts/slurm/start-cluster.sh), alternating, in one invocation. Reports
// wall time per task, the ratio, how many sbatch calls and array elements sluice used; for the
// default (sluice packs short tasks itself) as a first run, with no state (no durations recorded),
// and as a run that finds the durations the first run recorded (its `.sluice/` kept, the outputs
// removed), and with --tasks-per-job (setting `pack`, default 10), from no state.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { readCount, type Benchmark, type BenchmarkOptions } from './benchmark.ts';
import { buildCli, findOnPath } from './build-cli.ts';
import { formatTable, median } from './measure.ts';

const TIMEOUT_MS = 1_800_000;

export const slurmArrayBenchmark: Benchmark = {
  name: 'slurm-array',
  description: 'sluice map --executor slurm against one plain sbatch --array of the same work (settings: tasks, pack)',
  async run(options: BenchmarkOptions): Promise<void> {
    const tasks = readCount(options, 'tasks', 1000);
    const pack = readCount(options, 'pack', 10);
    if (!findOnPath('sbatch') || spawnSync('sinfo', ['-h', '-o', '%t'], { encoding: 'utf8', timeout: 10_000 }).status !== 0) {
      console.log('slurm-array: skipped, no Slurm cluster here (start one with `sudo scripts/slurm/start-cluster.sh`)');
      return;
    }
    const dir = await mkdtemp(path.join(tmpdir(), 'sluice-bench-slurm-'));
    try {
      const cli = await buildCli(dir);
      if (cli === undefined) throw new Error('no src/cli/main.ts to build');
      const work = path.join(dir, 'work');
      mkdirSync(path.join(work, 'in'), { recursive: true });
      for (let i = 0; i < tasks; i++) writeFileSync(path.join(work, 'in', `${i}.txt`), `task ${i}\n`);
      console.log(`slurm-array: ${tasks} tasks (cp of a small file) on the local cluster, ${options.rounds} rounds, alternating`);
      console.log(`  sluice: ${cli.label}`);
      console.log('  state: "first run" removes .sluice/ before each run (no durations recorded: sluice probes);');
      console.log('  "durations recorded" runs right after it in the same round, keeping its .sluice/ (outputs removed, so every task runs)');
      const contenders: Array<{ name: string; extra: string[]; keepState: boolean }> = [
        { name: 'sluice map --executor slurm (first run)', extra: [], keepState: false },
        { name: 'sluice map --executor slurm (durations recorded)', extra: [], keepState: true },
        { name: `sluice map --executor slurm --tasks-per-job ${pack}`, extra: ['--tasks-per-job', String(pack)], keepState: false },
      ];
      const plain: number[] = [];
      const walls = contenders.map(() => [] as number[]);
      const calls = contenders.map(() => [] as number[]);
      const elements = contenders.map(() => [] as number[]);
      for (let round = 0; round < options.rounds; round++) {
        plain.push(await runPlainArray(work, tasks));
        for (const [index, contender] of contenders.entries()) {
          const run = await runSluiceMap([...cli.command], contender.extra, work, tasks, contender.keepState);
          walls[index]?.push(run.wallMs);
          calls[index]?.push(run.sbatchCalls);
          elements[index]?.push(run.elements);
        }
      }
      const base = median(plain);
      const perTask = (ms: number): string => `${(ms / tasks).toFixed(1)} ms`;
      const seconds = (values: readonly number[]): string => values.map((ms) => (ms / 1000).toFixed(1)).join(', ');
      const rows = [['plain sbatch --array + squeue polling', `${(base / 1000).toFixed(1)} s`, perTask(base), '1', String(tasks), '1.00×']];
      for (const [index, contender] of contenders.entries()) {
        const ours = median(walls[index] ?? []);
        rows.push([contender.name, `${(ours / 1000).toFixed(1)} s`, perTask(ours), String(median(calls[index] ?? [])), String(median(elements[index] ?? [])), `${(ours / base).toFixed(2)}×`]);
      }
      console.log(`\n${formatTable(['contender', 'wall (median)', 'per task', 'sbatch calls', 'array elements', 'vs plain'], rows)}`);
      console.log(`  rounds (s): plain ${seconds(plain)}; ${contenders.map((c, index) => `${c.name}: ${seconds(walls[index] ?? [])}`).join('; ')}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};

/** One array job doing the same cp per task, waited for by polling squeue every 200 ms. */
async function runPlainArray(work: string, tasks: number): Promise<number> {
  rmSync(path.join(work, 'plain'), { recursive: true, force: true });
  mkdirSync(path.join(work, 'plain'));
  const started = performance.now();
  const submit = spawnSync(
    'sbatch',
    ['--parsable', '--job-name=bench-plain', `--chdir=${work}`, '--output=/dev/null', `--array=0-${tasks - 1}`,
      '--wrap', 'cp in/$SLURM_ARRAY_TASK_ID.txt plain/$SLURM_ARRAY_TASK_ID.txt'],
    { encoding: 'utf8', timeout: 60_000 },
  );
  if (submit.status !== 0) throw new Error(`sbatch failed: ${submit.stderr}`);
  const job = submit.stdout.trim().split(';')[0] as string;
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    const queue = spawnSync('squeue', ['-h', '-j', job, '-t', 'PD,R,CG,CF', '-o', '%i'], { encoding: 'utf8', timeout: 30_000 });
    if (queue.status === 0 && queue.stdout.trim() === '') break;
    if (Date.now() > deadline) throw new Error(`plain array ${job} did not finish in time`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const wallMs = performance.now() - started;
  const made = readdirSync(path.join(work, 'plain')).length;
  if (made !== tasks) throw new Error(`plain array made ${made} of ${tasks} files`);
  return wallMs;
}

/** The same step through sluice, with no outputs (and, unless `keepState`, no state), all tasks in flight. */
async function runSluiceMap(
  cli: readonly string[], extra: readonly string[], work: string, tasks: number, keepState: boolean,
): Promise<{ wallMs: number; sbatchCalls: number; elements: number }> {
  rmSync(path.join(work, 'out'), { recursive: true, force: true });
  if (!keepState) rmSync(path.join(work, '.sluice'), { recursive: true, force: true });
  const argv = [...cli, 'map', '--executor', 'slurm', ...extra, '-j', String(tasks), '--quiet', '--in', 'in/*.txt', '--out', 'out/{stem}.txt', '--', 'cp', '{in}', '{out}'];
  const started = performance.now();
  const stderr = await new Promise<string>((resolve, reject) => {
    const child = spawn(argv[0] as string, argv.slice(1), { cwd: work, env: { ...process.env, SLUICE_DEBUG: '1' }, stdio: ['ignore', 'ignore', 'pipe'], timeout: TIMEOUT_MS });
    let text = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`sluice exited ${code}: ${text.slice(-800)}`))));
  });
  const wallMs = performance.now() - started;
  const made = readdirSync(path.join(work, 'out')).length;
  if (made !== tasks) throw new Error(`sluice made ${made} of ${tasks} files`);
  const elements = [...stderr.matchAll(/\[sluice slurm\] batch \d+: .*, (\d+) element\(s\)/g)].reduce((sum, match) => sum + Number(match[1]), 0);
  return { wallMs, sbatchCalls: (stderr.match(/\[sluice slurm\] sbatch /g) ?? []).length, elements };
}
