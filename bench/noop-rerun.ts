// A no-op re-run: N up-to-date tasks (a copy per file), sluice against ninja on the equivalent
// build.ninja, Node start-up included. Both build once, then the no-op runs alternate. sluice is
// measured twice: as a user meets it (the last run's snapshot confirmed by a stat per file), and
// with the snapshot deleted first, which plans, signs and checks every task (the full check, as
// after any change).
import { mkdtemp, rm, writeFile, mkdir, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readCount, type Benchmark, type BenchmarkOptions } from './benchmark.ts';
import { buildCli, findOnPath } from './build-cli.ts';
import { formatTable, measure, median, runCommand } from './measure.ts';

const PIPELINE = `import { pipeline, step, cmd } from 'sluice';
export default pipeline({ copy: step({ in: 'data/{n}.txt', out: 'out/{n}.txt', run: cmd('cp', '{in}', '{out}') }) });
`;

export const noopRerunBenchmark: Benchmark = {
  name: 'noop-rerun',
  description: 'no-op re-run of N up-to-date tasks, against ninja (settings: tasks)',
  async run(options: BenchmarkOptions): Promise<void> {
    const tasks = readCount(options, 'tasks', 10_000);
    const dir = await mkdtemp(path.join(tmpdir(), 'sluice-noop-'));
    try {
      const cli = await buildCli(dir);
      if (cli === undefined) throw new Error('src/cli/main.ts is missing');
      await mkdir(path.join(dir, 'data'));
      for (let index = 0; index < tasks; index++) await writeFile(path.join(dir, 'data', `f${index}.txt`), `${index}\n`);
      // Inputs as a user's are: older than the racy margin (a file changed in the last 2 s is
      // read again, its folder's listing not vouched for).
      const past = new Date(Date.now() - 60_000);
      for (let index = 0; index < tasks; index++) await utimes(path.join(dir, 'data', `f${index}.txt`), past, past);
      await utimes(path.join(dir, 'data'), past, past);
      await writeFile(path.join(dir, 'pipeline.ts'), PIPELINE);
      const ninjaRules = ['rule cp', '  command = cp $in $out', ''];
      for (let index = 0; index < tasks; index++) ninjaRules.push(`build ninja-out/f${index}.txt: cp data/f${index}.txt`);
      await writeFile(path.join(dir, 'build.ninja'), `${ninjaRules.join('\n')}\n`);
      const hasNinja = findOnPath('ninja');
      console.log(`noop-rerun: ${tasks} up-to-date tasks, ${options.rounds} rounds, alternating (${cli.label})`);
      if (!hasNinja) console.log('  note: ninja is not on PATH (Debian package ninja-build): only sluice is measured');
      const sluice = [...cli.command, 'run', '-q'];
      await runCommand({ argv: [...cli.command, 'run', '-q', '-j', '2'], cwd: dir, timeoutMs: 1_800_000 });
      if (hasNinja) await runCommand({ argv: ['ninja', '-j', '2'], cwd: dir, timeoutMs: 1_800_000 });
      const noCerts = { ...process.env };
      delete noCerts['NODE_EXTRA_CA_CERTS'];
      const contenders: Array<[string, string[], NodeJS.ProcessEnv, boolean?]> = [];
      if (hasNinja) contenders.push(['ninja (no-op)', ['ninja', '-j', '2'], process.env]);
      contenders.push(['sluice run, full check', sluice, process.env, true]);
      contenders.push(['sluice run (no-op)', sluice, process.env]);
      if (process.env['NODE_EXTRA_CA_CERTS'] !== undefined) contenders.push(['sluice run, NODE_EXTRA_CA_CERTS unset', sluice, noCerts]);
      const times = new Map(contenders.map(([name]) => [name, [] as number[]]));
      for (let round = 0; round < options.rounds; round++) {
        for (const [name, argv, env, full] of contenders) {
          if (full === true) await rm(path.join(dir, '.sluice', 'up-to-date'), { recursive: true, force: true });
          const { wallMs } = await measure(() => runCommand({ argv, cwd: dir, env, timeoutMs: 600_000 }));
          times.get(name)?.push(wallMs);
        }
      }
      const base = median(times.get(contenders[0]![0]) ?? []);
      const rows = contenders.map(([name]) => {
        const values = times.get(name) ?? [];
        return [name, `${(median(values) / 1000).toFixed(3)} s`, `${(median(values) / base).toFixed(2)}×`, values.map((ms) => (ms / 1000).toFixed(3)).join(' ')];
      });
      console.log(formatTable(['contender', 'median', `× ${contenders[0]![0]}`, 'each round'], rows));
      if (hasNinja) console.log('target: sluice at most 4 × ninja');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};
