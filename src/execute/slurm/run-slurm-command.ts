import { spawn } from 'node:child_process';
import { debugLog } from '../../process/debug-log.ts';

export interface CommandResult {
  /** Exit code; null when the command could not start, timed out or was killed. */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  /** Why it could not start (e.g. `spawn sbatch ENOENT`). */
  readonly startError?: string | undefined;
}

/** Runs a Slurm client command (argv, no shell) with a time limit; never rejects. */
export function runSlurmCommand(argv: readonly string[], timeoutMs: number): Promise<CommandResult> {
  const [program = '', ...args] = argv;
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, killSignal: 'SIGKILL' });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    let startError: string | undefined;
    child.once('error', (error) => (startError = error.message));
    child.once('close', (code, signal) => {
      const result: CommandResult = {
        code: startError === undefined ? code : null,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        timedOut: signal === 'SIGKILL' && Date.now() - started >= timeoutMs,
        startError,
      };
      debugLog('slurm', `${argv.slice(0, 3).join(' ')}${argv.length > 3 ? ' …' : ''} → ${describeResult(result)} in ${Date.now() - started} ms`);
      resolve(result);
    });
  });
}

/** `exit 1: sbatch: error: …`, for messages. */
export function describeResult(result: CommandResult): string {
  if (result.startError !== undefined) return `could not start: ${result.startError}`;
  if (result.timedOut) return 'no answer in time';
  const text = result.stderr.trim().split('\n').slice(-3).join(' ').trim();
  return `exit ${result.code ?? 'by a signal'}${text === '' ? '' : `: ${text}`}`;
}
