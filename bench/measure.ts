// Timing helpers shared by benchmarks: wall time of an outside command, medians, tables.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

export interface Measurement {
  readonly wallMs: number;
  /**
   * CPU time of this process and of every descendant waited for meanwhile (user + system).
   * Steadier than wall time on a shared machine, where other work only adds wall time.
   */
  readonly cpuMs: number;
  /**
   * Minor page faults of the same processes (the first touch of each new page of memory). On a
   * machine where one costs ~14 µs, as on the one of session 13, they are a share of the wall time.
   */
  readonly minorFaults: number;
}

/** Wall and CPU milliseconds of `work`; run it with nothing else going on in this process. */
export async function measure(work: () => Promise<void>): Promise<Measurement> {
  const before = readUsage();
  const started = performance.now();
  await work();
  const wallMs = performance.now() - started;
  const after = readUsage();
  return { wallMs, cpuMs: after.cpuMs - before.cpuMs, minorFaults: after.minorFaults - before.minorFaults };
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

function readUsage(): { cpuMs: number; minorFaults: number } {
  const own = process.cpuUsage();
  // Fields after the command name: state is #3, so minflt (#10), cminflt (#11), cutime (#16)
  // and cstime (#17) are [7], [8], [13], [14].
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const children = (Number(fields[13]) + Number(fields[14])) * TICK_MS;
  return { cpuMs: (own.user + own.system) / 1000 + children, minorFaults: Number(fields[7]) + Number(fields[8]) };
}

/**
 * What this machine takes to fault in a page: 100 MB touched a page at a time, in a child process
 * (median of three), in µs a page. Memory a process touches for the first time costs it this much.
 */
export async function measurePageFault(): Promise<number> {
  const script =
    'const n = 100 * 1024 * 1024; const b = Buffer.allocUnsafeSlow(n); const t = process.hrtime.bigint(); ' +
    'for (let i = 0; i < n; i += 4096) b[i] = 1; ' +
    'process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1000 / (n / 4096)));';
  const runs: number[] = [];
  for (let round = 0; round < 3; round++) {
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    await new Promise((resolve) => child.once('close', resolve));
    runs.push(Number(out));
  }
  return median(runs);
}

export interface CommandRun {
  readonly argv: readonly string[];
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Written to the command's standard input, which is then closed. */
  readonly input?: string;
  /** A limit, so a hung contender cannot hang the benchmark. */
  readonly timeoutMs: number;
}

/** Runs a command to its exit; throws when it fails or times out. */
export async function runCommand(run: CommandRun): Promise<void> {
  const [program = '', ...args] = run.argv;
  const child = spawn(program, args, {
    cwd: run.cwd,
    env: run.env,
    stdio: [run.input === undefined ? 'ignore' : 'pipe', 'ignore', 'pipe'],
    timeout: run.timeoutMs,
    killSignal: 'SIGKILL',
  });
  child.stdin?.end(run.input);
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (exitCode, exitSignal) => resolve([exitCode, exitSignal]));
  });
  if (code !== 0) {
    throw new Error(`\`${run.argv.slice(0, 4).join(' ')} …\` failed (${signal ?? `exit ${code}`}): ${stderr.slice(-500)}`);
  }
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Left-aligns the first column, right-aligns the others. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (row: readonly string[]): string =>
    row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}
