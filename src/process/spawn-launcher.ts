// The plain launcher: one child_process.spawn per task. Slower than the python helper (libuv
// forks the whole Node process) and its tasks outlive a SIGKILLed sluice (the next run ends
// them, from the groups the watcher recorded); but it needs nothing beyond Node: it is the
// fallback and the benchmark's baseline. Each task carries `<sluice's pid>:spawn-<n>` in
// SLUICE_SPAWNED_BY, as function steps' processes do: a descendant that left the task's group
// (setsid) is found by it when the task ends, and by the run that takes over after a kill -9.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { BackendError } from '../errors.ts';
import type { GroupWatcher, HoldOptions, LaunchRequest, LaunchResult, Launcher, LauncherOptions, RunningProcess } from './launch-types.ts';
import { killSpawnedProcessesNow } from './end-spawned-processes.ts';
import { readLastPid, readProcess } from './list-processes.ts';
import { readProcessStart } from './read-process-start.ts';
import { resolveRequest } from './resolve-request.ts';
import { addTag, SPAWNED_BY } from './spawn-ledger.ts';
import { Termination } from './track-termination.ts';
import { watchQuietFiles } from './watch-quiet-files.ts';

export function createSpawnLauncher(options: LauncherOptions = {}): Launcher {
  const running = new Set<RunningProcess>();
  let closed = false;
  let started = 0;
  return {
    kind: 'spawn',
    start(request: LaunchRequest, hold?: HoldOptions): RunningProcess {
      if (closed) throw new BackendError(`Cannot start \`${request.argv[0]}\`: the launcher is closed`);
      const resolved = resolveRequest(request);
      const start = (): RunningProcess | undefined => (closed ? undefined : startTask(resolved, options.watcher, `${process.pid}:spawn-${++started}`));
      const task = hold === undefined ? (start() as RunningProcess) : holdTask(hold, start);
      running.add(task);
      void task.done.finally(() => running.delete(task));
      return task;
    },
    async close(): Promise<void> {
      closed = true;
      const tasks = [...running];
      for (const task of tasks) task.cancel();
      await Promise.allSettled(tasks.map((task) => task.done));
    },
  };
}

function startTask(request: LaunchRequest, watcher: GroupWatcher | undefined, tag: string): RunningProcess {
  const startedAt = Date.now();
  const sincePid = readLastPid();
  let child: ChildProcess;
  try {
    refuseMangled(request);
    // A given environment is passed exactly, as the python launcher passes it.
    child = spawnWithFiles(request, request.env ?? { ...process.env, [SPAWNED_BY]: addTag(process.env[SPAWNED_BY], tag) });
  } catch (error) {
    return { done: Promise.resolve(failedResult(error, startedAt)), cancel: () => {} };
  }
  const pid = child.pid ?? 0;
  const sinceTicks = readProcess(pid)?.startTicks ?? 0;
  // Not reaped before the event loop turns: /proc still knows it, a zombie at worst.
  if (pid > 0) watcher?.groupStarted(pid, readProcessStart(pid));
  // The time-out or cancel came as the task had exited (its end not handled yet): it ran to its
  // own end, before its deadline, and is not timed out (launcher-task.ts, the same rule).
  let endedFirst = false;
  const termination = new Termination({
    signalGroup: (signal) => {
      if (signal === 'SIGTERM' && isZombie(pid)) endedFirst = true;
      signalGroup(pid, signal);
    },
  }, request);
  const stopWatching = watchQuiet(request, termination);
  const done = new Promise<LaunchResult>((resolve) => {
    child.once('error', (error) => {
      stopWatching();
      termination.end();
      resolve(failedResult(error, startedAt));
    });
    child.once('exit', (exitCode, signal) => {
      // Nothing of a task outlives it. The leader is already reaped, but a process group's id
      // stays reserved while any member of it is alive; what left the group carries the tag.
      signalGroup(pid, 'SIGKILL');
      killSpawnedProcessesNow({ tag, pids: [], sinceTicks, sincePid });
      if (pid > 0) watcher?.groupEnded(pid);
      stopWatching();
      const timedOut = termination.timedOut && !endedFirst;
      resolve({ ...buildResult(pid, exitCode, signal, timedOut, termination.cancelled, startedAt), silentMs: timedOut ? termination.silentMs : undefined });
      termination.end();
    });
  });
  return { done, cancel: () => termination.cancel() };
}

// Its stdout and stderr files, and the files it names, watched for its no-output limit.
function watchQuiet(request: LaunchRequest, termination: Termination): () => void {
  const limitMs = request.noOutputTimeoutMs;
  if (limitMs === undefined) return () => {};
  const streams = request.stderrPath === request.stdoutPath ? [request.stdoutPath] : [request.stdoutPath, request.stderrPath];
  return watchQuietFiles([...streams, ...(request.watchFiles ?? [])], limitMs, () => termination.silenced(limitMs));
}

// Held: this launcher starts nothing in place of a task that ends; the task starts once released.
function holdTask(hold: HoldOptions, start: () => RunningProcess | undefined): RunningProcess {
  const heldAt = Date.now();
  let child: RunningProcess | undefined;
  let dropped: ((result: LaunchResult) => void) | undefined;
  const done = new Promise<LaunchResult>((resolve) => {
    dropped = resolve;
    hold.onHeld(() => {
      if (dropped === undefined) return;
      dropped = undefined;
      child = start();
      if (child === undefined) {
        resolve(neverStarted(heldAt));
        return;
      }
      hold.onStart();
      resolve(child.done);
    });
  });
  return {
    done,
    cancel: () => {
      if (child !== undefined) return child.cancel();
      dropped?.(neverStarted(heldAt));
      dropped = undefined;
    },
  };
}

function neverStarted(startedAt: number): LaunchResult {
  return { pid: 0, exitCode: null, signal: null, timedOut: false, cancelled: true, neverStarted: true, startedAt, endedAt: Date.now() };
}

function spawnWithFiles(request: LaunchRequest, env: Readonly<Record<string, string | undefined>>): ChildProcess {
  const opened: number[] = [];
  const open = (path: string, flags: string): number => {
    const fd = openSync(path, flags, 0o644);
    opened.push(fd);
    return fd;
  };
  try {
    const stdin = request.stdinPath === undefined ? 'ignore' : open(request.stdinPath, 'r');
    const stdout = open(request.stdoutPath, 'w');
    const stderr = request.stderrPath === request.stdoutPath ? stdout : open(request.stderrPath, 'w');
    const [program = '', ...args] = request.argv;
    return spawn(program, args, {
      cwd: request.cwd,
      env,
      stdio: [stdin, stdout, stderr],
      detached: true, // its own process group, so the whole tree can be signalled
    });
  } finally {
    // The child has its own copies by now.
    for (const fd of opened) closeSync(fd);
  }
}

// Exited, not yet reaped (Node reaps its children and reports their exit in the same turn).
function isZombie(pid: number): boolean {
  return pid > 0 && readProcess(pid)?.state === 'Z';
}

// What Node would pass altered (a lone surrogate becomes U+FFFD, `A=B` names variable A) is
// refused, as the python launcher refuses it: the task must not run with other words than its own.
function refuseMangled(request: LaunchRequest): void {
  const texts = [...request.argv, request.cwd, request.stdoutPath, request.stderrPath, request.stdinPath ?? ''];
  for (const [name, value] of Object.entries(request.env ?? {})) {
    if (name.includes('=')) throw invalid(`\`=\` in the name of variable \`${name}\``);
    texts.push(name, value);
  }
  const bad = texts.find((text) => !(text as unknown as { isWellFormed(): boolean }).isWellFormed()); // Node 20+; lib es2024
  if (bad !== undefined) throw invalid(`${JSON.stringify(bad)} is no text (a lone surrogate)`);
}

function invalid(what: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`Invalid argument: ${what}`), { code: 'EINVAL' });
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  if (pid <= 0) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

function buildResult(
  pid: number,
  exitCode: number | null,
  signal: NodeJS.Signals | null,
  timedOut: boolean,
  cancelled: boolean,
  startedAt: number,
): LaunchResult {
  return {
    pid,
    exitCode,
    signal,
    timedOut,
    cancelled,
    startedAt,
    endedAt: Date.now(),
  };
}

function failedResult(error: unknown, startedAt: number): LaunchResult {
  const { code = 'EUNKNOWN', message = String(error) } = error as NodeJS.ErrnoException;
  return {
    pid: 0,
    exitCode: null,
    signal: null,
    timedOut: false,
    cancelled: false,
    spawnError: { code, message },
    startedAt,
    endedAt: Date.now(),
  };
}
