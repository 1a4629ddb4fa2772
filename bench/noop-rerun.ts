// A no-op re-run: N up-to-date tasks (a copy per file), sluice against ninja on the equivalent
// build.ninja, Node start-up included. Both build once, then the no-op runs alternate. sluice is
// measured twice: as a user meets it (the last run's snapshot confirmed by a stat per file), and
// with the snapshot deleted first, which plans, signs and checks every task (the full check, as
// after any change). `sluice map` is measured the same way, on the same inputs (its state in a
// folder of its own, so that neither run's full check deletes the other's snapshot), and its
// no-op is compared with `sluice run`'s: one front end, one short cut. With NODE_EXTRA_CA_CERTS
// set (it costs every Node start ~50 ms of CPU here, and ninja nothing), both no-ops are measured
// with it unset as well; the last lines say which target each row meets. The full check
// "after one input changed" is measured as a user meets it too: one input rewritten before each
// round (dated a minute back, as an edit made before the run is), each front end in a copy of
// its own; then the no-op that follows it.
import { cp, mkdtemp, rm, writeFile, mkdir, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readCount, type Benchmark, type BenchmarkOptions } from './benchmark.ts';
import { buildClis, type Cli } from './build-against.ts';
import { findOnPath } from './build-cli.ts';
import { formatTable, measure, measurePageFault, median, runCommand } from './measure.ts';

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
      const clis = await buildClis(dir, options);
      const cli = clis[0]!;
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
      if (hasNinja) await runCommand({ argv: ['ninja', '-j', '2'], cwd: dir, timeoutMs: 1_800_000 });
      // Name, argv, environment, folder, and what is done before each round (unmeasured).
      const contenders: Contender[] = [];
      if (hasNinja) contenders.push(['ninja (no-op)', ['ninja', '-j', '2'], process.env, dir]);
      for (const each of clis) contenders.push(...(await listSluiceContenders(each, dir)));
      const certs = process.env['NODE_EXTRA_CA_CERTS'] !== undefined;
      const times = new Map(contenders.map(([name]) => [name, [] as number[]]));
      // CPU time too (sluice and what it started): on a shared machine the load adds wall time.
      const cpu = new Map(contenders.map(([name]) => [name, [] as number[]]));
      // Minor page faults: the memory each touches, which some machines make dear.
      const faults = new Map(contenders.map(([name]) => [name, [] as number[]]));
      for (let round = 0; round < options.rounds; round++) {
        for (const [name, argv, env, cwd, before] of contenders) {
          await before?.(round);
          const { wallMs, cpuMs, minorFaults } = await measure(() => runCommand({ argv, cwd, env, timeoutMs: 600_000 }));
          times.get(name)?.push(wallMs);
          cpu.get(name)?.push(cpuMs);
          faults.get(name)?.push(minorFaults);
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
          String(Math.round(median(faults.get(name) ?? []))),
          values.map((ms) => (ms / 1000).toFixed(3)).join(' '),
        ];
      });
      console.log(formatTable(['contender', 'median', `× ${contenders[0]![0]}`, 'cpu median', 'cpu ×', 'page faults', 'each round'], rows));
      const faultUs = await measurePageFault();
      console.log(`page faults: median minor faults of each run; this machine faults a page in ${faultUs.toFixed(2)} µs (100 MB touched), so ${formatFaultCost(faults, faultUs)}`);
      console.log(`environment: NODE_EXTRA_CA_CERTS ${certs ? 'set (rows without "unset" include it; ninja does not read it)' : 'unset'}; node ${process.version}`);
      const ratio = (of: Map<string, number[]>): string => (median(of.get('sluice map (no-op)') ?? []) / median(of.get('sluice run (no-op)') ?? [])).toFixed(2);
      console.log(`sluice map (no-op) / sluice run (no-op): ${ratio(times)}× wall, ${ratio(cpu)}× cpu (target: at most 1.2 ×)`);
      if (clis.length > 1) console.log(`--against: rows ending ${clis[1]!.tag.trim()} ran ${clis[1]!.label}, each build in its own copy of the folder`);
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

type Contender = [string, string[], NodeJS.ProcessEnv, string, ((round: number) => Promise<void>)?];

/**
 * One build's rows: `run` and `map`, full check, no-op and one input changed, and the no-ops
 * with NODE_EXTRA_CA_CERTS unset where it is set. A build of --against gets a copy of the folder
 * (inputs with their times), so that neither build reads the other's state; so do the rows that
 * change an input, so that no other row sees the change.
 */
async function listSluiceContenders(cli: Cli, dir: string): Promise<Contender[]> {
  const copy = async (name: string): Promise<string> => {
    const work = path.join(dir, `${name}${cli.tag.replace(/\W/g, '-')}`);
    await mkdir(work);
    await cp(path.join(dir, 'data'), path.join(work, 'data'), { recursive: true, preserveTimestamps: true });
    await cp(path.join(dir, 'pipeline.ts'), path.join(work, 'pipeline.ts'));
    // Dated back as the original is: a folder listed within the racy margin is not vouched for.
    const past = new Date(Date.now() - 60_000);
    await utimes(path.join(work, 'data'), past, past);
    return work;
  };
  const work = cli.tag === '' ? dir : await copy('work');
  const sluice = [...cli.command, 'run', '-q'];
  const map = [...cli.command, 'map', '-q', '--in', '../data/*.txt', '--out', 'out/{name}', '--', 'cp', '{in}', '{out}'];
  const build = async (folder: string, front: 'run' | 'map'): Promise<void> => {
    if (front === 'map') await mkdir(folder);
    const argv = front === 'run' ? sluice : map;
    await runCommand({ argv: [...argv.slice(0, 3), '-j', '2', ...argv.slice(3)], cwd: folder, timeoutMs: 1_800_000 });
  };
  const mapDir = path.join(work, 'map');
  const editRun = await copy('edit-run');
  const editMap = path.join(await copy('edit-map'), 'map');
  for (const [folder, front] of [[work, 'run'], [mapDir, 'map'], [editRun, 'run'], [editMap, 'map']] as const) await build(folder, front);
  const full = (folder: string) => () => rm(path.join(folder, '.sluice', 'up-to-date'), { recursive: true, force: true });
  // One input rewritten, dated a minute back: an edit made before the run, past the racy margin.
  const edit = (data: string) => async (round: number) => {
    const file = path.join(data, `f${round}.txt`);
    await writeFile(file, `edited in round ${round}\n`);
    const past = new Date(Date.now() - 60_000);
    await utimes(file, past, past);
  };
  const tag = cli.tag;
  const contenders: Contender[] = [
    [`sluice run, full check${tag}`, sluice, process.env, work, full(work)],
    [`sluice run (no-op)${tag}`, sluice, process.env, work],
    [`sluice run, one input changed${tag}`, sluice, process.env, editRun, edit(path.join(editRun, 'data'))],
    [`sluice run (no-op after that)${tag}`, sluice, process.env, editRun],
    [`sluice map, full check${tag}`, map, process.env, mapDir, full(mapDir)],
    [`sluice map (no-op)${tag}`, map, process.env, mapDir],
    [`sluice map, one input changed${tag}`, map, process.env, editMap, edit(path.join(editMap, '..', 'data'))],
  ];
  // NODE_EXTRA_CA_CERTS makes every Node start read a certificate bundle (~50 ms of CPU here):
  // the no-ops are measured without it too, and the note says which figure is which.
  if (process.env['NODE_EXTRA_CA_CERTS'] !== undefined) {
    const noCerts = { ...process.env };
    delete noCerts['NODE_EXTRA_CA_CERTS'];
    contenders.push([`sluice run (no-op), NODE_EXTRA_CA_CERTS unset${tag}`, sluice, noCerts, work]);
    contenders.push([`sluice map (no-op), NODE_EXTRA_CA_CERTS unset${tag}`, map, noCerts, mapDir]);
  }
  return contenders;
}

// What the faults of the full check and of the no-op cost at this machine's price, in ms.
function formatFaultCost(faults: ReadonlyMap<string, number[]>, faultUs: number): string {
  const cost = (name: string): string => `${((median(faults.get(name) ?? []) * faultUs) / 1000).toFixed(0)} ms`;
  return `the full check's faults cost ~${cost('sluice run, full check')} (run) and ~${cost('sluice map, full check')} (map), the no-op's ~${cost('sluice run (no-op)')}`;
}
