// The fast launcher: one long-lived python3 helper (libexec/sluice-launcher.py) starts every
// task with posix_spawn, because child_process.spawn forks the whole Node process (~1.3 ms a
// task). If sluice dies, even by SIGKILL, the helper sees EOF and ends every task it started.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import path from 'node:path';
import { BackendError } from '../errors.ts';
import { PACKAGE_DIR } from '../kernel/locate-code.ts';
import { debugLog } from './debug-log.ts';
import { settleOrphanedTasks } from './end-dead-launcher-tasks.ts';
import { listPythons } from './find-python.ts';
import { holdStartupStderr } from './hold-startup-stderr.ts';
import type { FastLauncher, FastLauncherOptions, GroupWatcher, HoldOptions, LaunchRequest, RunningProcess } from './launch-types.ts';
import { encodeOptions, encodeStart, parseReply } from './launcher-protocol.ts';
import { buildLaunchResult, LauncherTask, type LineSender } from './launcher-task.ts';
import { readProcessStart } from './read-process-start.ts';
import { resolveRequest } from './resolve-request.ts';

/** The launcher script, in the package's libexec/ (beside src/ and dist/). */
export const LAUNCHER_SCRIPT = path.join(PACKAGE_DIR, 'libexec', 'sluice-launcher.py');

// The launcher's options and handle live with the other launcher types.
export type { FastLauncher, FastLauncherOptions } from './launch-types.ts';

type HelperProcess = ChildProcessByStdio<Writable, Readable, Readable>;

type ClientState = 'starting' | 'ready' | 'closing' | 'exited';

// Starts the python helper and resolves once it answered; rejects (BackendError) when python3
// is missing or the helper does not come up, so the caller can fall back to spawn.
export async function startFastLauncher(options: FastLauncherOptions = {}): Promise<FastLauncher> {
  const pythons = options.python === undefined ? listPythons() : [options.python];
  const failures: string[] = [];
  for (const python of pythons) {
    try {
      return await startWith(python, options);
    } catch (error) {
      // Too old, say (the helper needs 3.8+): the next one may do; its complaint is kept, not printed.
      failures.push(`${python} (${(error as Error).message})`);
    }
  }
  throw new BackendError(`Expected a \`python3\` of version 3.8+ with os.posix_spawn for the launcher, got ${failures.join('; ')}`);
}

async function startWith(python: string, options: FastLauncherOptions): Promise<FastLauncher> {
  const script = options.script ?? LAUNCHER_SCRIPT;
  // -I: ignore PYTHON* variables and user site; -S: no site import (faster start).
  const ledger = options.watcher?.ledgerDir;
  const args = ['-I', '-S', '-X', 'utf8', script, ...(ledger === undefined ? [] : ['--ledger', ledger])];
  const child = spawn(python, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const client = new LauncherClient(child, options.shutdownGraceMs ?? 1000, options.watcher);
  await client.whenReady(options.readyTimeoutMs ?? 10_000, `${python} ${script}`).catch((error: unknown) => {
    throw new BackendError(client.startupComplaint() ?? (error as Error).message, { cause: error });
  });
  return client;
}

class LauncherClient implements FastLauncher, LineSender {
  readonly kind = 'launcher';
  pid = 0;
  private state: ClientState = 'starting';
  private readonly pending = new Map<number, LauncherTask>();
  private nextId = 0;
  private outgoing = '';
  private flushQueued = false;
  private carry = '';
  private referenced = true;
  /** The helper keeps the ledger of its groups: the watcher is not told of each. */
  private ledger = false;
  /** The helper's start time in clock ticks since boot, once it is ready. */
  private helperStart: string | undefined;
  private onReady: ((error?: Error) => void) | undefined;
  readonly startupComplaint: () => string | undefined;
  private readonly exited: Promise<void>;

  constructor(
    private readonly child: HelperProcess,
    shutdownGraceMs: number,
    private readonly watcher: GroupWatcher | undefined,
  ) {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => this.receive(chunk));
    this.startupComplaint = holdStartupStderr(child.stderr, () => this.state === 'starting');
    // EPIPE after the helper died: the 'close' handler below reports that.
    child.stdin.on('error', (error) => debugLog('launcher', `stdin: ${error.message}`));
    this.exited = new Promise((resolve) => {
      child.once('error', (error) => this.onReady?.(new BackendError(`Cannot start the launcher: ${error.message}`, { cause: error })));
      child.once('close', (code, signal) => {
        this.handleExit(code, signal);
        resolve();
      });
    });
    this.send(encodeOptions({ env: process.env, graceMs: shutdownGraceMs }));
  }

  whenReady(timeoutMs: number, command: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.child.kill('SIGKILL');
        settle(new BackendError(`Timed out after ${timeoutMs} ms waiting for the launcher: ${command}`));
      }, timeoutMs);
      const settle = (error?: Error): void => {
        clearTimeout(timer);
        this.onReady = undefined;
        if (error === undefined) {
          this.state = 'ready';
          this.setReferenced(false);
          debugLog('launcher', `ready, pid ${this.pid}: ${command}`);
          resolve();
        } else {
          this.state = 'exited';
          reject(error);
        }
      };
      this.onReady = settle;
    });
  }

  start(request: LaunchRequest, hold?: HoldOptions): RunningProcess {
    if (this.state !== 'ready') {
      throw new BackendError(`Cannot start \`${request.argv[0]}\`: the launcher is ${this.state === 'exited' ? 'gone' : 'closing'}`);
    }
    const resolved = resolveRequest(request);
    const id = ++this.nextId;
    const task = new LauncherTask(this, id, resolved, hold);
    this.pending.set(id, task);
    // Held, the helper starts it in place of a task that exits 0, or when released.
    this.send(encodeStart(id, resolved, hold !== undefined));
    if (hold !== undefined) hold.onHeld(() => task.release());
    if (!this.referenced) this.setReferenced(true);
    const termination = task.termination;
    return { done: task.done, cancel: () => termination.cancel(), acknowledge: () => task.acknowledge() };
  }

  close(): Promise<void> {
    if (this.state === 'ready') {
      this.state = 'closing';
      debugLog('launcher', `closing with ${this.pending.size} task(s) running`);
      for (const task of this.pending.values()) task.termination.cancel();
      this.flush();
      this.child.stdin.end();
      this.setReferenced(true);
    }
    return this.exited;
  }

  /** Queues a request line; every line queued in one turn of the event loop goes in one write. */
  send(line: string): void {
    this.outgoing += line;
    if (this.flushQueued) return;
    this.flushQueued = true;
    process.nextTick(flushClient, this);
  }

  flush(): void {
    this.flushQueued = false;
    if (this.outgoing === '' || !this.child.stdin.writable) return;
    this.child.stdin.write(this.outgoing);
    this.outgoing = '';
  }

  private receive(chunk: string): void {
    const text = this.carry + chunk;
    let from = 0;
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', from)) {
      this.handleReply(text.slice(from, newline));
      from = newline + 1;
    }
    this.carry = text.slice(from);
  }

  private handleReply(line: string): void {
    const reply = parseReply(line);
    if (reply === undefined) {
      debugLog('launcher', `unexpected line from the launcher: ${JSON.stringify(line)} (this is a bug in sluice)`);
      return;
    }
    if (reply.kind === 'ready') {
      this.pid = reply.pid;
      this.ledger = reply.ledger;
      this.helperStart = readProcessStart(reply.pid);
      this.watcher?.helperStarted?.(reply.pid, this.helperStart);
      this.onReady?.();
      return;
    }
    if (reply.kind === 'no ledger') {
      this.giveUpLedger();
      return;
    }
    const task = this.pending.get(reply.id);
    if (task === undefined) return;
    if (reply.kind === 'silent') {
      task.silent();
      return;
    }
    if (reply.kind === 'started') {
      task.pgid = reply.pid;
      if (!this.ledger) this.watcher?.groupStarted(reply.pid, reply.start);
      // A held task: it takes over the slot of the task whose end follows.
      task.started();
      return;
    }
    this.pending.delete(reply.id);
    // The helper killed what was left of the group before it reported the end.
    if (task.pgid !== 0 && !this.ledger) this.watcher?.groupEnded(task.pgid);
    task.termination.end();
    // The helper starts no held task in place of another until this failure is acknowledged.
    task.unacknowledged = reply.kind === 'fail' || reply.kind === 'signal' || (reply.kind === 'exit' && (reply.exitCode !== 0 || reply.missingOutputs === true));
    task.resolve(buildLaunchResult(reply, task));
    if (this.pending.size === 0 && this.state === 'ready') this.setReferenced(false);
  }

  // The groups running now (the helper says which, `p` after `n`) and those to come are the
  // watcher's to record.
  private giveUpLedger(): void {
    debugLog('launcher', 'the helper gave its ledger up: sluice records the groups');
    this.ledger = false;
  }

  private handleExit(code: number | null, signal: NodeJS.Signals | null): void {
    const previous = this.state;
    this.state = 'exited';
    const how = signal ?? `code ${code}`;
    debugLog('launcher', `exited (${how})`);
    this.onReady?.(new BackendError(`The launcher exited (${how}) before it was ready`));
    settleOrphanedTasks(this.pending, how, this.ledger ? this.watcher?.ledgerDir : undefined, this.pid, this.helperStart);
    this.pending.clear();
    if (previous === 'ready') debugLog('launcher', 'the launcher exited unexpectedly (this is a bug in sluice)');
  }

  // Idle, the helper must not keep sluice alive; busy, it must.
  private setReferenced(on: boolean): void {
    this.referenced = on;
    const handles = [this.child, this.child.stdout, this.child.stderr, this.child.stdin] as Array<{ ref(): void; unref(): void }>;
    for (const handle of handles) {
      if (on) handle.ref();
      else handle.unref();
    }
  }
}

function flushClient(client: LauncherClient): void {
  client.flush();
}
