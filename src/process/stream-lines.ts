import { spawn } from 'node:child_process';
import fs from 'node:fs';
import type { Readable } from 'node:stream';
import { SluiceError } from '../errors.ts';
import { describeAttemptEnd } from '../kernel/describe-attempt-end.ts';
import { quoteArgv } from '../kernel/quote-argv.ts';
import { setLongTimeout } from '../kernel/set-long-timeout.ts';

export interface StreamLinesOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Standard input: a file path (`{ file }`), a string, or an async iterable of chunks. */
  readonly stdin?: { readonly file: string } | string | AsyncIterable<string | Uint8Array>;
  /** File that keeps the whole standard error; its last lines also go into a failure. */
  readonly stderrFile?: string;
  /** Wall-clock limit: SIGTERM to the process group, SIGKILL `killGraceMs` later. */
  readonly timeoutMs?: number;
  /**
   * No-output limit: ended as for `timeoutMs` when the program writes nothing, to standard output
   * or standard error, for this long. Only time spent waiting for it counts: while the loop's body
   * runs, the program is paused by back-pressure, and that is not its silence.
   */
  readonly noOutputTimeoutMs?: number;
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
    /** Set when the no-output limit ended it: how long it had been silent. */
    readonly silentMs?: number,
    /** Set when the wall-clock limit ended it: that limit. */
    readonly timeoutMs?: number,
  ) {
    const reason = describeAttemptEnd({ exitCode, signal, timedOut, cancelled, silentMs, timeoutMs });
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
  const end = (): void => killGroup(child.pid, options.killGraceMs ?? 2000);
  // What ended the program: the first limit or abort to fire. Another may fire while the program
  // dies (it may ignore SIGTERM for the whole grace); it changes nothing.
  let stopped: 'timeout' | 'silence' | 'cancel' | undefined;
  const stop = (why: 'timeout' | 'silence' | 'cancel'): void => {
    if (stopped !== undefined) return;
    stopped = why;
    clearTimeout(timer);
    silence.stop();
    end();
  };
  const timer = options.timeoutMs === undefined ? undefined : setLongTimeout(() => stop('timeout'), options.timeoutMs);
  const silence = watchSilence(options.noOutputTimeoutMs, () => stop('silence'));
  child.stderr?.on('data', silence.heard);
  const onAbort = (): void => stop('cancel');
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let finished = false;
  try {
    let carry = '';
    (child.stdout as Readable).setEncoding('utf8');
    silence.listen();
    for await (const chunk of child.stdout as AsyncIterable<string>) {
      silence.pause();
      const lines = (carry + chunk).split('\n');
      carry = lines.pop() ?? '';
      for (const line of lines) yield line;
      silence.listen();
    }
    silence.pause();
    if (carry !== '') yield carry;
    silence.listen();
    const result = await exited;
    finished = true;
    silence.pause();
    await new Promise<void>((resolve) => (stderrOut === undefined ? resolve() : stderrOut.end(resolve)));
    if (result.error !== undefined) {
      const code = (result.error as NodeJS.ErrnoException).code;
      const reason = code === 'ENOENT' ? `program \`${program}\` not found on PATH (${process.env.PATH ?? ''})` : result.error.message;
      throw new SluiceError(`${reason}: ${quoteArgv(argv)}`, { cause: result.error });
    }
    if (result.code !== 0 || stopped !== undefined) {
      const silentMs = stopped === 'silence' ? options.noOutputTimeoutMs : undefined;
      const timeoutMs = stopped === 'timeout' ? options.timeoutMs : undefined;
      const timedOut = stopped === 'timeout' || stopped === 'silence';
      throw new ProcessFailedError(argv, cwd, result.code, result.signal, timedOut, stopped === 'cancel', Date.now() - startedAt, tail, silentMs, timeoutMs);
    }
  } finally {
    clearTimeout(timer);
    silence.pause();
    options.signal?.removeEventListener('abort', onAbort);
    // The consumer stopped early (break, throw): the program must not outlive the loop.
    if (!finished) {
      end();
      await exited;
      stderrOut?.end();
    }
  }
}

interface Silence {
  /** Counting: sluice waits for the program's output. */
  listen(): void;
  /** Not counting: the consumer has the program's lines (or the program ended). */
  pause(): void;
  /** The program wrote something: the count starts again, if counting. */
  heard(): void;
  /** The program is being ended: never fire. */
  stop(): void;
}

function watchSilence(limitMs: number | undefined, fire: () => void): Silence {
  let timer: NodeJS.Timeout | undefined;
  let listening = false;
  let stopped = false;
  const arm = (): void => {
    clearTimeout(timer);
    if (limitMs === undefined || stopped) return;
    timer = setLongTimeout(() => {
      stopped = true;
      fire();
    }, limitMs);
  };
  return {
    listen() {
      listening = true;
      arm();
    },
    pause() {
      listening = false;
      clearTimeout(timer);
    },
    heard() {
      if (listening) arm();
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
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
