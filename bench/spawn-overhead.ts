// How much sluice adds per task: N trivial tasks (`true`) with J in flight, against xargs -P.
// Contenders run alternately (every contender once per round), so a slow spell of the machine
// hits all of them alike; the median of the rounds is reported.
import { accessSync, constants, existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Launcher } from '../src/process/launch-types.ts';
import { startFastLauncher } from '../src/process/launcher-client.ts';
import { createSpawnLauncher } from '../src/process/spawn-launcher.ts';
import { readCount, type Benchmark, type BenchmarkOptions } from './benchmark.ts';
import { formatTable, median, timeAsync, timeCommand } from './measure.ts';

interface Contender {
  readonly name: string;
  /** Wall milliseconds for the whole batch. */
  run(env: NodeJS.ProcessEnv): Promise<number>;
}

interface Setup {
  readonly tasks: number;
  readonly jobs: number;
  readonly dir: string;
}

const root = fileURLToPath(new URL('..', import.meta.url));
const TIMEOUT_MS = 120_000;

export const spawnOverheadBenchmark: Benchmark = {
  name: 'spawn-overhead',
  description: 'per-task cost of starting trivial tasks, against xargs -P (settings: tasks, jobs)',
  async run(options: BenchmarkOptions): Promise<void> {
    const tasks = readCount(options, 'tasks', 2000);
    const jobs = readCount(options, 'jobs', 2);
    const dir = await mkdtemp(path.join(tmpdir(), 'sluice-bench-'));
    try {
      const { contenders, notes } = listContenders({ tasks, jobs, dir });
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
        const times = await runRounds(contenders, options.rounds, env);
        console.log(`\n${title}:\n${formatResults(contenders, times, tasks)}`);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};

async function runRounds(contenders: readonly Contender[], rounds: number, env: NodeJS.ProcessEnv): Promise<Map<string, number[]>> {
  const times = new Map<string, number[]>(contenders.map((contender) => [contender.name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const contender of contenders) times.get(contender.name)!.push(await contender.run(env));
  }
  return times;
}

function formatResults(contenders: readonly Contender[], times: Map<string, number[]>, tasks: number): string {
  const perTask = (name: string): number => median(times.get(name) ?? []) / tasks;
  const baseline = perTask(contenders[0]!.name);
  const rows = contenders.map((contender) => [
    contender.name,
    perTask(contender.name).toFixed(3),
    (perTask(contender.name) / baseline).toFixed(2),
    (times.get(contender.name) ?? []).map((ms) => (ms / tasks).toFixed(3)).join(' '),
  ]);
  return formatTable(['contender', 'ms/task (median)', `× ${contenders[0]!.name}`, 'each round'], rows);
}

function listContenders(setup: Setup): { contenders: Contender[]; notes: string[] } {
  const lines = Array.from({ length: setup.tasks }, (_, index) => `${index + 1}\n`).join('');
  const contenders: Contender[] = [
    {
      name: `xargs -P${setup.jobs}`,
      run: (env) => timeCommand({ argv: ['xargs', `-P${setup.jobs}`, '-n1', 'true'], env, input: lines, timeoutMs: TIMEOUT_MS }),
    },
  ];
  const notes: string[] = [];
  if (findOnPath('parallel')) {
    contenders.push({
      name: `parallel -j${setup.jobs}`,
      run: (env) => timeCommand({ argv: ['parallel', `-j${setup.jobs}`, 'true'], env, input: lines, timeoutMs: TIMEOUT_MS }),
    });
  } else {
    notes.push('GNU parallel is not on PATH: skipped');
  }
  contenders.push({ name: 'spawn launcher', run: () => timeLauncher(async () => createSpawnLauncher(), setup) });
  contenders.push({ name: 'python launcher', run: () => timeLauncher(() => startFastLauncher(), setup) });
  const cli = findCli();
  if (cli === undefined) {
    notes.push('src/cli/main.ts does not exist yet: the sluice CLI is skipped');
  } else {
    notes.push(`sluice CLI runs ${cli.label}`);
    const args = Array.from({ length: setup.tasks }, (_, index) => String(index + 1));
    const argv = [...cli.command, 'map', '-j', String(setup.jobs), '--', 'true', ':::', ...args];
    contenders.push({
      name: `sluice map -j ${setup.jobs}`,
      run: (env) => timeCommand({ argv, env, cwd: setup.dir, timeoutMs: TIMEOUT_MS }),
    });
  }
  return { contenders, notes };
}

// Starting and closing the launcher are part of the time, as forking xargs is part of xargs'.
async function timeLauncher(create: () => Promise<Launcher>, setup: Setup): Promise<number> {
  return timeAsync(async () => {
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
  });
}

function findCli(): { command: string[]; label: string } | undefined {
  const compiled = path.join(root, 'dist', 'cli', 'main.js');
  const source = path.join(root, 'src', 'cli', 'main.ts');
  if (!existsSync(source)) return undefined;
  if (existsSync(compiled)) {
    return { command: [process.execPath, compiled], label: 'the compiled dist/cli/main.js (run `npm run build` first to measure current code)' };
  }
  // --import resolves from the working directory, and the CLI runs in a temp dir.
  const tsx = import.meta.resolve('tsx');
  return { command: [process.execPath, '--import', tsx, source], label: 'src/cli/main.ts through tsx (no dist/ build)' };
}

function findOnPath(program: string): boolean {
  for (const dir of (process.env['PATH'] ?? '').split(path.delimiter)) {
    try {
      accessSync(path.join(dir || '.', program), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}
