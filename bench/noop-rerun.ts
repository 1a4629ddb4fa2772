// A no-op re-run: N up-to-date tasks (a copy per file), sluice against ninja on the equivalent
// build.ninja, Node start-up included. Both build once, then the no-op runs alternate. sluice is
// measured twice: as a user meets it (the last run's snapshot confirmed by a stat per file), and
// with the snapshot deleted first, which plans, signs and checks every task (the full check, as
// after any change). `sluice map` is measured the same way, on the same inputs (its state in a
// folder of its own, so that neither run's full check deletes the other's snapshot), and its
// no-op is compared with `sluice run`'s: one front end, one short cut. With NODE_EXTRA_CA_CERTS
// set (it costs every Node start ~50 ms of CPU here, and ninja nothing), both no-ops are measured
// with it unset as well; the last lines say which target each row meets.
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
      const mapDir = path.join(dir, 'map');
      await mkdir(mapDir);
      const map = [...cli.command, 'map', '-q', '--in', '../data/*.txt', '--out', 'out/{name}', '--', 'cp', '{in}', '{out}'];
      await runCommand({ argv: [...map.slice(0, 3), '-j', '2', ...map.slice(3)], cwd: mapDir, timeoutMs: 1_800_000 });
      if (hasNinja) await runCommand({ argv: ['ninja', '-j', '2'], cwd: dir, timeoutMs: 1_800_000 });
      const noCerts = { ...process.env };
      delete noCerts['NODE_EXTRA_CA_CERTS'];
      // Name, argv, environment, folder, and whether the snapshot is deleted first (the full check).
      const contenders: Array<[string, string[], NodeJS.ProcessEnv, string, boolean?]> = [];
      if (hasNinja) contenders.push(['ninja (no-op)', ['ninja', '-j', '2'], process.env, dir]);
      contenders.push(['sluice run, full check', sluice, process.env, dir, true]);
      contenders.push(['sluice run (no-op)', sluice, process.env, dir]);
      contenders.push(['sluice map, full check', map, process.env, mapDir, true]);
      contenders.push(['sluice map (no-op)', map, process.env, mapDir]);
      // NODE_EXTRA_CA_CERTS makes every Node start read a certificate bundle (~50 ms of CPU here):
      // the no-ops are measured without it too, and the note says which figure is which.
      const certs = process.env['NODE_EXTRA_CA_CERTS'] !== undefined;
      if (certs) {
        contenders.push(['sluice run (no-op), NODE_EXTRA_CA_CERTS unset', sluice, noCerts, dir]);
        contenders.push(['sluice map (no-op), NODE_EXTRA_CA_CERTS unset', map, noCerts, mapDir]);
      }
      const times = new Map(contenders.map(([name]) => [name, [] as number[]]));
      // CPU time too (sluice and what it started): on a shared machine the load adds wall time.
      const cpu = new Map(contenders.map(([name]) => [name, [] as number[]]));
      for (let round = 0; round < options.rounds; round++) {
        for (const [name, argv, env, cwd, full] of contenders) {
          if (full === true) await rm(path.join(cwd, '.sluice', 'up-to-date'), { recursive: true, force: true });
          const { wallMs, cpuMs } = await measure(() => runCommand({ argv, cwd, env, timeoutMs: 600_000 }));
          times.get(name)?.push(wallMs);
          cpu.get(name)?.push(cpuMs);
        }
      }
      const base = median(times.get(contenders[0]![0]) ?? []);
      const cpuBase = median(cpu.get(contenders[0]![0]) ?? []);
      const rows = contenders.map(([name]) => {
        const values = times.get(name) ?? [];
        const cpuMedian = median(cpu.get(name) ?? []);
        return [
          name,
          `${(median(values) / 1000).toFixed(3)} s`,
          `${(median(values) / base).toFixed(2)}×`,
          `${(cpuMedian / 1000).toFixed(3)} s`,
          `${(cpuMedian / cpuBase).toFixed(2)}×`,
          values.map((ms) => (ms / 1000).toFixed(3)).join(' '),
        ];
      });
      console.log(formatTable(['contender', 'median', `× ${contenders[0]![0]}`, 'cpu median', 'cpu ×', 'each round'], rows));
      console.log(`environment: NODE_EXTRA_CA_CERTS ${certs ? 'set (rows without "unset" include it; ninja does not read it)' : 'unset'}; node ${process.version}`);
      const ratio = (of: Map<string, number[]>): string => (median(of.get('sluice map (no-op)') ?? []) / median(of.get('sluice run (no-op)') ?? [])).toFixed(2);
      console.log(`sluice map (no-op) / sluice run (no-op): ${ratio(times)}× wall, ${ratio(cpu)}× cpu (target: at most 1.2 ×)`);
      if (hasNinja) {
        console.log('targets (issue 16, median wall against ninja): sluice run (no-op) at most 2 ×, sluice map (no-op) at most 2.5 ×, the full check at most 4 ×');
        for (const [name] of contenders.slice(1)) {
          const target = name.startsWith('sluice run (no-op)') ? 2 : name.startsWith('sluice map (no-op)') ? 2.5 : 4;
          const ratio = median(times.get(name) ?? []) / base;
          console.log(`  ${name}: ${ratio.toFixed(2)} × (cpu ${(median(cpu.get(name) ?? []) / cpuBase).toFixed(2)} ×), target ${target} ×: ${ratio <= target ? 'met' : 'missed'}`);
        }
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};
