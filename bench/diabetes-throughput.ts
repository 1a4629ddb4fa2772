// Conversion throughput on the diabetes example: sluice running examples/diabetes/pipeline.ts
// (TypeScript steps on worker threads: every record validated, every line accounted for, a
// summary) against the lesson's converter (examples/diabetes/bench/convert.py) run by GNU
// Parallel and by one Python process with multiprocessing.Pool, the same conversion in mawk run
// per file by xargs -P, and `cat` of the same files as the floor. Input lines per second of wall
// time; contenders run alternately, once per round, and the median round is reported.
//
// Settings: lines (total, default 10,000,000), files (700), jobs (2), out (tmpfs, or disk), only
// (e.g. only=sluice,mawk), faults (default 0: clean records, so that every contender converts
// every line; faults=0.004 is the sample's rate, on which the lesson's converter stops early in
// most files). The generated data is kept in the temp folder and reused while the settings stay
// the same.
//
// Between runs, off the clock, the last run's output is deleted, then (as root, on Linux) the
// kernel's clean caches are dropped and what every run reads is read back: the inputs, node, the
// repository's node_modules, and the programs with their shared libraries (each is run once).
// Without the drop, deleting thousands of files charges the next contender: on ext4 without a
// journal (these machines' disk) creating a file skips every inode freed in the last minutes
// while their inode table block is cached, about 0.1 ms more per file here after a round of
// deletions, growing round after round, and sluice creates 4 files per patient to mawk's 1.
// Keeping every run's output instead made later runs write into memory this VM had not touched
// yet (even `cat` took 3 times as long). The drop has a cost of its own: a file created after it
// reads its inode's table block back from the disk (2,800 files: 0.8 s in open() against 0.1 s
// with the blocks cached, measured here), so the output folder is on a tmpfs (/dev/shm) when there
// is one, where neither applies and each contender's own work is measured; `out=disk` puts it
// in the temp folder beside the data instead.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync, writeFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCount, type Benchmark, type BenchmarkOptions } from './benchmark.ts';
import { buildClis } from './build-against.ts';
import { findOnPath, whichOnPath } from './build-cli.ts';
import { ensureDiabetesData } from './diabetes-data.ts';
import { formatTable, measure, median, type Measurement } from './measure.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const example = path.join(root, 'examples', 'diabetes');
const TIMEOUT_MS = 30 * 60_000;

interface Run {
  readonly argv: readonly string[];
  readonly cwd?: string;
  /** Written to standard input. */
  readonly input?: string;
  /** Standard output goes to this file (else it is dropped). */
  readonly stdoutFile?: string;
  /** The environment (default: this process's). */
  readonly env?: NodeJS.ProcessEnv;
}

interface Contender {
  readonly name: string;
  /** Off the clock, before the caches are dropped (e.g. deleting sluice's state). */
  prepare?(): Promise<void>;
  /** Runs once, writing into `out` (an empty folder); returns the exit status. */
  run(out: string): Promise<number>;
  /** What came out: counted after the clock stopped. */
  check(out: string, status: number): string;
}

export const diabetesThroughputBenchmark: Benchmark = {
  name: 'diabetes-throughput',
  description: 'examples/diabetes pipeline against the lesson\'s converter (parallel, Pool), mawk and cat (settings: lines, files, jobs, faults, only)',
  async run(options: BenchmarkOptions): Promise<void> {
    const lines = readCount(options, 'lines', 10_000_000);
    const files = readCount(options, 'files', 700);
    const jobs = readCount(options, 'jobs', 2);
    const faults = options.settings.get('faults') ?? '0';
    const data = ensureDiabetesData(files, lines, faults);
    const inputs = readdirSync(data).filter((name) => /^data-\d+$/.test(name)).sort().map((name) => path.join(data, name));
    const dir = await mkdtemp(path.join(tmpdir(), 'sluice-bench-'));
    const outRoot = options.settings.get('out') === 'disk' || !isFolder(TMPFS) ? dir : await mkdtemp(path.join(TMPFS, 'sluice-bench-'));
    try {
      const { contenders, notes } = await listContenders({ data, inputs, jobs, dir, lines }, options);
      const only = options.settings.get('only')?.split(',');
      const chosen = contenders.filter((contender) => only === undefined || only.some((word) => contender.name.includes(word)));
      console.log(`diabetes-throughput: ${files} files, ${lines} lines, fault rate ${faults} (${data}), ${jobs} jobs, ${options.rounds} rounds, alternating`);
      console.log(`  note: outputs are written to ${outRoot === dir ? 'the disk' : 'a tmpfs'} (${outRoot})`);
      for (const note of notes) console.log(`  note: ${note}`);
      const runs = new Map<string, Measurement[]>(chosen.map((contender) => [contender.name, []]));
      const outcomes = new Map<string, string>();
      const warm = [data, process.execPath, path.join(root, 'node_modules'), path.join(dir, 'build'), ...['mawk', 'xargs', 'cat'].flatMap((program) => whichOnPath(program) ?? [])];
      let dropped = true;
      for (let round = 0; round < options.rounds; round++) {
        for (const contender of chosen) {
          const out = path.join(outRoot, 'out');
          await rm(out, { recursive: true, force: true });
          await mkdir(out);
          await contender.prepare?.();
          dropped = (await settleCaches(warm)) && dropped;
          let status = 0;
          runs.get(contender.name)!.push(await measure(async () => void (status = await contender.run(out))));
          outcomes.set(contender.name, contender.check(out, status));
        }
      }
      if (!dropped) console.log('  note: the kernel\'s caches could not be dropped (needs root on Linux): each run followed the last one\'s deletions');
      console.log(`\n${formatResults(chosen, runs, outcomes, lines)}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
      if (outRoot !== dir) await rm(outRoot, { recursive: true, force: true });
    }
  },
};

interface Setup {
  readonly data: string;
  readonly inputs: readonly string[];
  readonly jobs: number;
  readonly dir: string;
  readonly lines: number;
}

async function listContenders(setup: Setup, options: BenchmarkOptions): Promise<{ contenders: Contender[]; notes: string[] }> {
  const { inputs, jobs } = setup;
  const list = `${inputs.join('\n')}\n`;
  const notes: string[] = [];
  const countRows = (out: string, status: number): string => {
    const rows = countCsvRows(out);
    const lost = setup.lines - rows;
    return `exit ${status}; ${rows} rows; ${lost} lines in no output and no rejects file`;
  };
  const contenders: Contender[] = [
    { name: 'cat (floor)', run: (out) => execute({ argv: ['cat', ...inputs], stdoutFile: path.join(out, 'all') }), check: () => 'copies the bytes' },
  ];
  if (findOnPath('mawk')) {
    const awk = path.join(example, 'bench', 'convert.awk');
    contenders.push({
      name: `mawk, xargs -P${jobs}`,
      run: (out) => execute({ argv: ['xargs', `-P${jobs}`, '-n1', 'mawk', '-v', `out=${out}`, '-f', awk], input: list }),
      check: (out, status) => `${countRows(out, status)} (no record is checked)`,
    });
  } else notes.push('mawk is not on PATH: skipped');
  for (const cli of await buildClis(setup.dir, options)) {
    notes.push(`sluice${cli.tag} runs ${cli.label}`);
    // A project folder per build: its state and its bundle of the pipeline are its own.
    const project = path.join(setup.dir, `project${cli.tag.replace(/\W/g, '-')}`);
    await mkdir(project);
    for (const name of ['pipeline.ts', 'lib']) await cp(path.join(example, name), path.join(project, name), { recursive: true });
    const sluice = (name: string, env?: NodeJS.ProcessEnv): Contender => ({
      name: `${name}${cli.tag}`,
      // A first run: no state, no bundle of the pipeline.
      prepare: () => rm(path.join(project, '.sluice'), { recursive: true, force: true }),
      run: async (out) => {
        const params = ['--param', `data=${setup.data}`, '--param', `out=${out}`];
        return execute({ argv: [...cli.command, 'run', '-q', '-f', path.join(project, 'pipeline.ts'), '-j', String(jobs), ...params], env });
      },
      check: (out, status) => describeSluice(out, status, setup.lines),
    });
    contenders.push(sluice(`sluice run -j ${jobs}`));
    // These machines set it, and every Node start reads the certificates (20-40 ms: npm run bench
    // -- noop-rerun runs sluice with and without it).
    if (process.env['NODE_EXTRA_CA_CERTS'] !== undefined) {
      const env = { ...process.env };
      delete env['NODE_EXTRA_CA_CERTS'];
      contenders.push(sluice(`sluice run -j ${jobs}, NODE_EXTRA_CA_CERTS unset`, env));
    }
  }
  const convert = path.join(example, 'bench', 'convert.py');
  if (findOnPath('parallel')) {
    contenders.push({
      name: `lesson, parallel -j${jobs}`,
      run: (out) => execute({ argv: ['parallel', `-j${jobs}`, 'python3', convert, '{}', `${out}/{/}.csv`], input: list }),
      check: (out, status) => `${countRows(out, status)}${status > 0 ? ` (${status} files failed)` : ''}`,
    });
  } else notes.push('GNU parallel is not on PATH: the lesson under parallel is skipped (apt-get install parallel)');
  contenders.push({
    name: `lesson, Pool(${jobs})`,
    run: (out) => execute({ argv: ['python3', path.join(example, 'bench', 'convert_pool.py'), String(jobs), out, ...inputs] }),
    check: countRows,
  });
  return { contenders, notes };
}

function describeSluice(out: string, status: number, lines: number): string {
  if (status !== 0) return `exit ${status}`;
  const summary = readFileSync(path.join(out, 'summary.csv'), 'latin1').trim().split('\n').slice(1);
  let records = 0;
  let rejects = 0;
  for (const row of summary) {
    const fields = row.split(',');
    records += Number(fields[2]);
    rejects += Number(fields[3]);
  }
  return `exit 0; ${records} rows + ${rejects} rejects = ${records + rejects} of ${lines} lines, checked`;
}

/** Data rows of every CSV in `out` (header lines left out). */
function countCsvRows(out: string): number {
  let rows = 0;
  for (const name of readdirSync(out)) {
    if (!name.endsWith('.csv')) continue;
    const bytes = readFileSync(path.join(out, name));
    let at = bytes.indexOf(10);
    while (at >= 0) {
      rows++;
      at = bytes.indexOf(10, at + 1);
    }
    rows -= 1;
  }
  return rows;
}

function formatResults(contenders: readonly Contender[], runs: ReadonlyMap<string, Measurement[]>, outcomes: ReadonlyMap<string, string>, lines: number): string {
  const wall = (name: string): number => median((runs.get(name) ?? []).map((run) => run.wallMs));
  const mawk = contenders.find((contender) => contender.name.startsWith('mawk'));
  const rows = contenders.map(({ name }) => {
    const seconds = wall(name) / 1000;
    return [
      name,
      seconds.toFixed(2),
      `${((lines / seconds) / 1e6).toFixed(2)} M`,
      mawk === undefined ? '-' : `${(wall(mawk.name) / wall(name)).toFixed(2)}×`,
      (median((runs.get(name) ?? []).map((run) => run.cpuMs)) / 1000).toFixed(2),
      (runs.get(name) ?? []).map((run) => (run.wallMs / 1000).toFixed(2)).join(' '),
      outcomes.get(name) ?? '',
    ];
  });
  return formatTable(['contender', 'wall s', 'lines/s', 'vs mawk', 'CPU s', 'each round', 'output (last round)'], rows);
}

const TMPFS = '/dev/shm';

function isFolder(folder: string): boolean {
  return statSync(folder, { throwIfNoEntry: false })?.isDirectory() === true;
}

/** Runs a command to its end; returns its exit status (a lesson's failure is a result here). */
async function execute(run: Run): Promise<number> {
  const [program = '', ...args] = run.argv;
  const stdout = run.stdoutFile === undefined ? 'ignore' : openSync(run.stdoutFile, 'w');
  try {
    const stdin = run.input === undefined ? 'ignore' : 'pipe';
    const child = spawn(program, args, { cwd: run.cwd, env: run.env, stdio: [stdin, stdout, 'pipe'], timeout: TIMEOUT_MS, killSignal: 'SIGKILL' });
    // A program may exit before reading what it was given (EPIPE); its exit status says how it went.
    child.stdin?.on('error', () => undefined).end(run.input);
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-2000)));
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (exitCode, exitSignal) => resolve([exitCode, exitSignal]));
    });
    if (code === null) throw new Error(`\`${run.argv.slice(0, 4).join(' ')} …\` ended by ${signal}: ${stderr.slice(-500)}`);
    return code;
  } finally {
    if (typeof stdout === 'number') closeSync(stdout);
  }
}

/**
 * Writes dirty pages out, drops the clean caches and reads `warm` (files, or folders walked)
 * back in; false, having only synced, where the caches cannot be dropped (not root, not Linux).
 */
async function settleCaches(warm: readonly string[]): Promise<boolean> {
  await execute({ argv: ['sync'] });
  try {
    writeFileSync('/proc/sys/vm/drop_caches', '1');
  } catch {
    return false;
  }
  const buffer = Buffer.allocUnsafe(1 << 20);
  const read = (file: string): void => {
    const stat = statSync(file, { throwIfNoEntry: false });
    if (stat?.isDirectory()) {
      // Links inside are not followed: the build folder links the node_modules read already.
      for (const entry of readdirSync(file, { withFileTypes: true })) if (!entry.isSymbolicLink()) read(path.join(file, entry.name));
      return;
    }
    if (stat?.isFile() !== true) return;
    const fd = openSync(file, 'r');
    try {
      while (readSync(fd, buffer, 0, buffer.length, null) > 0);
    } finally {
      closeSync(fd);
    }
  };
  for (const file of warm) read(file);
  // The shared libraries each program loads: python's interpreter and the modules the lesson
  // imports, mawk's, and node's with better-sqlite3's native addon.
  await execute({ argv: ['python3', '-c', 'import multiprocessing, datetime, csv, sys'] }).catch(() => 0);
  await execute({ argv: ['mawk', 'BEGIN {}'] }).catch(() => 0);
  await execute({ argv: [process.execPath, '-e', "require('better-sqlite3')"], cwd: root }).catch(() => 0);
  return true;
}


