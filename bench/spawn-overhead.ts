// How much sluice adds per task: N trivial tasks (`true`) with J in flight, against xargs -P.
// Contenders run alternately (every contender once per round), so a slow spell of the machine
// hits all of them alike; the median of the rounds is reported.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Launcher } from '../src/process/launch-types.ts';
import { startFastLauncher } from '../src/process/launcher-client.ts';
import { createSpawnLauncher } from '../src/process/spawn-launcher.ts';
import { readCount, type Benchmark, type BenchmarkOptions } from './benchmark.ts';
import { buildClis, type Cli } from './build-against.ts';
import { findOnPath } from './build-cli.ts';
import { formatTable, measure, median, runCommand, type Measurement } from './measure.ts';

interface Contender {
  readonly name: string;
  /** Runs the whole batch once. */
  run(env: NodeJS.ProcessEnv): Promise<void>;
}

interface Setup {
  readonly tasks: number;
  readonly jobs: number;
  readonly dir: string;
}

const TIMEOUT_MS = 120_000;

/** Issue 16's targets for `sluice map` against xargs -P: median wall and median CPU per task. */
const TARGETS = { wall: 1.1, cpu: 1.3 } as const;

export const spawnOverheadBenchmark: Benchmark = {
  name: 'spawn-overhead',
  description: 'per-task cost of starting trivial tasks, against xargs -P (settings: tasks, jobs, only)',
  async run(options: BenchmarkOptions): Promise<void> {
    const tasks = readCount(options, 'tasks', 2000);
    const jobs = readCount(options, 'jobs', 2);
    const dir = await mkdtemp(path.join(tmpdir(), 'sluice-bench-'));
    try {
      const listed = await listContenders({ tasks, jobs, dir }, await buildClis(dir, options));
      const notes = listed.notes;
      // only=python,cli keeps the baseline and the contenders whose names contain those words.
      const only = options.settings.get('only')?.split(',');
      const contenders = listed.contenders.filter(
        (contender, index) => index === 0 || only === undefined || only.some((word) => contender.name.includes(word)),
      );
      console.log(`spawn-overhead: ${tasks} × \`true\`, ${jobs} in flight, ${options.rounds} rounds, alternating`);
      for (const note of notes) console.log(`  note: ${note}`);
      const withCerts = { ...process.env };
      const withoutCerts = { ...process.env };
      delete withoutCerts['NODE_EXTRA_CA_CERTS'];
      const tables: Array<[string, NodeJS.ProcessEnv]> = [['environment as is', withCerts]];
      if (process.env['NODE_EXTRA_CA_CERTS'] !== undefined) {
        tables.push(['NODE_EXTRA_CA_CERTS unset for the child processes', withoutCerts]);
      }
      for (const [title, env] of tables) {
        const runs = await runRounds(contenders, options.rounds, env);
        console.log(`\n${title}:\n${formatResults(contenders, runs, tasks)}`);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};

type Runs = Map<string, Measurement[]>;

async function runRounds(contenders: readonly Contender[], rounds: number, env: NodeJS.ProcessEnv): Promise<Runs> {
  const runs: Runs = new Map(contenders.map((contender) => [contender.name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const contender of contenders) runs.get(contender.name)!.push(await measure(() => contender.run(env)));
  }
  return runs;
}

function formatResults(contenders: readonly Contender[], runs: Runs, tasks: number): string {
  const wall = (name: string): number[] => (runs.get(name) ?? []).map((run) => run.wallMs / tasks);
  const cpu = (name: string): number[] => (runs.get(name) ?? []).map((run) => run.cpuMs / tasks);
  const base = contenders[0]!.name;
  const ratio = (value: number, baseline: number): string => `${(value / baseline).toFixed(2)}×`;
  const rows = contenders.map(({ name }) => {
    const [medianWall, bestWall, medianCpu] = [median(wall(name)), Math.min(...wall(name)), median(cpu(name))];
    return [
      name,
      `${medianWall.toFixed(3)} ${ratio(medianWall, median(wall(base)))}`,
      // The best round too: on a shared machine, other work only ever adds wall time.
      `${bestWall.toFixed(3)} ${ratio(bestWall, Math.min(...wall(base)))}`,
      `${medianCpu.toFixed(3)} ${ratio(medianCpu, median(cpu(base)))}`,
      wall(name).map((ms) => ms.toFixed(3)).join(' '),
    ];
  });
  const header = ['ms per task', 'median wall', 'best wall', 'median CPU', 'wall of each round'];
  return `${formatTable(header, rows)}\n${formatTargets(contenders, base, wall, cpu)}`;
}

// The CLI's ratios against the targets, so that the output says whether they are met (for each
// build measured, with --against).
function formatTargets(
  contenders: readonly Contender[],
  base: string,
  wall: (name: string) => number[],
  cpu: (name: string) => number[],
): string {
  const clis = contenders.filter(({ name }) => name.startsWith('sluice map'));
  if (clis.length === 0) return 'targets: the sluice CLI was not measured';
  const verdict = (ratio: number, target: number): string => `${ratio.toFixed(2)}× (target ≤ ${target}×: ${ratio <= target ? 'met' : 'missed'})`;
  return clis.map((cli) => {
    const wallRatio = median(wall(cli.name)) / median(wall(base));
    const cpuRatio = median(cpu(cli.name)) / median(cpu(base));
    return `targets for ${cli.name} against ${base}: median wall ${verdict(wallRatio, TARGETS.wall)}, median CPU ${verdict(cpuRatio, TARGETS.cpu)}`;
  }).join('\n');
}

async function listContenders(setup: Setup, clis: readonly Cli[]): Promise<{ contenders: Contender[]; notes: string[] }> {
  const lines = Array.from({ length: setup.tasks }, (_, index) => `${index + 1}\n`).join('');
  const contenders: Contender[] = [
    {
      name: `xargs -P${setup.jobs}`,
      run: (env) => runCommand({ argv: ['xargs', `-P${setup.jobs}`, '-n1', 'true'], env, input: lines, timeoutMs: TIMEOUT_MS }),
    },
  ];
  const notes: string[] = [];
  if (findOnPath('parallel')) {
    contenders.push({
      name: `parallel -j${setup.jobs}`,
      run: (env) => runCommand({ argv: ['parallel', `-j${setup.jobs}`, 'true'], env, input: lines, timeoutMs: TIMEOUT_MS }),
    });
  } else {
    notes.push('GNU parallel is not on PATH: skipped');
  }
  contenders.push({ name: 'spawn launcher', run: () => runLauncher(async () => createSpawnLauncher(), setup) });
  contenders.push({ name: 'python launcher', run: () => runLauncher(() => startFastLauncher(), setup) });
  const args = Array.from({ length: setup.tasks }, (_, index) => String(index + 1));
  for (const cli of clis) {
    notes.push(`sluice CLI${cli.tag} runs ${cli.label}`);
    // Each build keeps its state in a folder of its own: builds may differ in their schema.
    const cwd = path.join(setup.dir, `map${cli.tag.replace(/\W/g, '-')}`);
    await mkdir(cwd);
    const argv = [...cli.command, 'map', '-j', String(setup.jobs), '--', 'true', ':::', ...args];
    contenders.push({
      name: `sluice map -j ${setup.jobs}${cli.tag}`,
      run: (env) => runCommand({ argv, env, cwd, timeoutMs: TIMEOUT_MS }),
    });
  }
  return { contenders, notes };
}

// Starting and closing the launcher are part of the time, as forking xargs is part of xargs'.
async function runLauncher(create: () => Promise<Launcher>, setup: Setup): Promise<void> {
  const launcher = await create();
  let started = 0;
  const worker = async (): Promise<void> => {
    while (started < setup.tasks) {
      started += 1;
      const request = { argv: ['true'], cwd: setup.dir, stdoutPath: '/dev/null', stderrPath: '/dev/null' };
      const result = await launcher.start(request).done;
      if (result.exitCode !== 0) throw new Error(`\`true\` failed: ${JSON.stringify(result)}`);
    }
  };
  await Promise.all(Array.from({ length: setup.jobs }, worker));
  await launcher.close();
}

