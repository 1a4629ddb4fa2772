import { spawn } from 'node:child_process';
import fs from 'node:fs';
import type { Readable } from 'node:stream';
import { SluiceError } from '../errors.ts';
import { describeAttemptEnd } from '../kernel/describe-attempt-end.ts';
import { quoteArgv } from '../kernel/quote-argv.ts';

export interface StreamLinesOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Standard input: a file path (`{ file }`), a string, or an async iterable of chunks. */
  readonly stdin?: { readonly file: string } | string | AsyncIterable<string | Uint8Array>;
  /** File that keeps the whole standard error; its last lines also go into a failure. */
  readonly stderrFile?: string;
  /** Wall-clock limit: SIGTERM to the process group, SIGKILL `killGraceMs` later. */
  readonly timeoutMs?: number;
  readonly killGraceMs?: number;
  readonly signal?: AbortSignal;
}

/** A program run by streamLines ended badly; fields as a failed task has them. */
export class ProcessFailedError extends SluiceError {
  override name = 'ProcessFailedError';
  constructor(
    readonly command: readonly string[],
    readonly cwd: string,
    readonly exitCode: number | null,
    readonly signal: NodeJS.Signals | null,
    readonly timedOut: boolean,
    readonly cancelled: boolean,
    readonly durationMs: number,
    readonly stderrTail: readonly string[],
  ) {
    const reason = describeAttemptEnd({ exitCode, signal, timedOut, cancelled });
    const tail = stderrTail.length === 0 ? '' : `\n${stderrTail.map((line) => `  | ${line}`).join('\n')}`;
    super(`${reason}: ${quoteArgv(command)}${tail}`);
  }
  get escapedCommand(): string {
    return quoteArgv(this.command);
  }
}

const TAIL_LINES = 10;

/**
 * Runs a program (argv, no shell) and yields its standard output line by line. The program is
 * paused while the consumer is busy (back-pressure through the pipe), so memory stays constant
 * whatever it prints. Breaking out of the loop, a timeout or an abort ends its whole process
 * group. A failing exit throws ProcessFailedError after the lines it printed.
 */
export async function* streamLines(argv: readonly string[], options: StreamLinesOptions = {}): AsyncGenerator<string, void, undefined> {
  const [program, ...args] = argv;
  if (program === undefined) throw new SluiceError('Expected a program to run, got an empty argv');
  const cwd = options.cwd ?? process.cwd();
  const stdinFile = typeof options.stdin === 'object' && 'file' in options.stdin ? fs.openSync(options.stdin.file, 'r') : undefined;
  const child = spawn(program, args, {
    cwd,
    env: options.env,
    detached: true,
    stdio: [stdinFile ?? (options.stdin === undefined ? 'ignore' : 'pipe'), 'pipe', 'pipe'],
  });
  if (stdinFile !== undefined) fs.closeSync(stdinFile);
  const startedAt = Date.now();
  const tail: string[] = [];
  const stderrOut = options.stderrFile === undefined ? undefined : fs.createWriteStream(options.stderrFile);
  collectTail(child.stderr as Readable, tail, stderrOut);
  feedStdin(child.stdin, options.stdin);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((resolve) => {
    child.once('error', (error) => resolve({ code: null, signal: null, error }));
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  let timedOut = false;
  let cancelled = false;
  const end = (): void => killGroup(child.pid, options.killGraceMs ?? 2000);
  const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => ((timedOut = true), end()), options.timeoutMs);
  const onAbort = (): void => {
    cancelled = true;
    end();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let finished = false;
  try {
    let carry = '';
    (child.stdout as Readable).setEncoding('utf8');
    for await (const chunk of child.stdout as AsyncIterable<string>) {
      const lines = (carry + chunk).split('\n');
      carry = lines.pop() ?? '';
      for (const line of lines) yield line;
    }
    if (carry !== '') yield carry;
    const result = await exited;
    finished = true;
    await new Promise<void>((resolve) => (stderrOut === undefined ? resolve() : stderrOut.end(resolve)));
    if (result.error !== undefined) {
      const code = (result.error as NodeJS.ErrnoException).code;
      const reason = code === 'ENOENT' ? `program \`${program}\` not found on PATH (${process.env.PATH ?? ''})` : result.error.message;
      throw new SluiceError(`${reason}: ${quoteArgv(argv)}`, { cause: result.error });
    }
    if (result.code !== 0 || timedOut || cancelled) {
      throw new ProcessFailedError(argv, cwd, result.code, result.signal, timedOut, cancelled, Date.now() - startedAt, tail);
    }
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    // The consumer stopped early (break, throw): the program must not outlive the loop.
    if (!finished) {
      end();
      await exited;
      stderrOut?.end();
    }
  }
}

function collectTail(stream: Readable, tail: string[], copy: fs.WriteStream | undefined): void {
  let carry = '';
  stream.on('data', (chunk: Buffer) => {
    copy?.write(chunk);
    const lines = (carry + chunk.toString('utf8')).split('\n');
    carry = lines.pop() ?? '';
    tail.push(...lines.slice(-TAIL_LINES));
    if (tail.length > TAIL_LINES) tail.splice(0, tail.length - TAIL_LINES);
  });
  stream.on('end', () => {
    if (carry !== '') tail.push(carry);
    if (tail.length > TAIL_LINES) tail.splice(0, tail.length - TAIL_LINES);
  });
}

function feedStdin(stdin: NodeJS.WritableStream | null, source: StreamLinesOptions['stdin']): void {
  if (stdin === null || source === undefined || (typeof source === 'object' && 'file' in source)) return;
  stdin.on('error', () => {}); // the program may exit without reading everything
  if (typeof source === 'string') {
    stdin.end(source);
    return;
  }
  void (async () => {
    for await (const chunk of source) {
      if (!stdin.write(chunk)) await new Promise((resolve) => stdin.once('drain', resolve));
    }
    stdin.end();
  })().catch(() => stdin.end());
}

function killGroup(pid: number | undefined, graceMs: number): void {
  if (pid === undefined) return;
  const signal = (name: NodeJS.Signals): void => {
    try {
      process.kill(-pid, name);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  setTimeout(() => signal('SIGKILL'), graceMs).unref();
}
