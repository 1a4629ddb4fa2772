// Timing helpers shared by benchmarks: wall time of an outside command, medians, tables.
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';

export interface CommandRun {
  readonly argv: readonly string[];
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Written to the command's standard input, which is then closed. */
  readonly input?: string;
  /** A limit, so a hung contender cannot hang the benchmark. */
  readonly timeoutMs: number;
}

/** Wall milliseconds from spawn to exit; throws when the command fails or times out. */
export async function timeCommand(run: CommandRun): Promise<number> {
  const [program = '', ...args] = run.argv;
  const started = performance.now();
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
  const elapsed = performance.now() - started;
  if (code !== 0) {
    throw new Error(`\`${run.argv.slice(0, 4).join(' ')} …\` failed (${signal ?? `exit ${code}`}): ${stderr.slice(-500)}`);
  }
  return elapsed;
}

/** Wall milliseconds of an async function. */
export async function timeAsync(work: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
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
