// The contract between the local executor and whatever starts its processes.
import type { TaskUsage } from '../kernel/task-usage.ts';

/** Relative `cwd` is taken against sluice's working directory; relative file paths against `cwd`. */
export interface LaunchRequest {
  /** argv[0] is looked up on PATH when it has no slash. Never run through a shell. */
  readonly argv: readonly string[];
  readonly cwd: string;
  /** Full environment for the child; undefined inherits sluice's own. */
  readonly env?: Readonly<Record<string, string>> | undefined;
  /** File to read standard input from; undefined means /dev/null. */
  readonly stdinPath?: string | undefined;
  /** File that receives standard output (created or truncated). */
  readonly stdoutPath: string;
  /** File that receives standard error (created or truncated). */
  readonly stderrPath: string;
  /**
   * Which of the two files are captures (logs of the streams, not outputs): a launcher that can
   * reports their sizes once the task ended and removes an empty one (`LaunchResult.captureBytes`).
   */
  readonly captures?: { readonly stdout: boolean; readonly stderr: boolean } | undefined;
  /**
   * Absolute paths a success must leave (a task's outputs): a launcher that holds tasks starts
   * none in place of one that exits 0 without all of them, as after a failure, until the caller
   * acknowledged it (RunningProcess.acknowledge).
   */
  readonly outputs?: readonly string[] | undefined;
  /** Wall-clock limit; on expiry SIGTERM to the process group, SIGKILL after `killGraceMs`. */
  readonly timeoutMs?: number | undefined;
  /**
   * No-output limit: ended as at `timeoutMs` once neither the stdout and stderr files nor
   * `watchFiles` changed for that long (the launcher looks at them on its timer).
   */
  readonly noOutputTimeoutMs?: number | undefined;
  /** More files whose growth counts as output (a task's own logs), absolute or against `cwd`. */
  readonly watchFiles?: readonly string[] | undefined;
  readonly killGraceMs?: number | undefined;
}

export interface LaunchResult {
  readonly pid: number;
  /** Exit code, or null when ended by a signal or never started. */
  readonly exitCode: number | null;
  /** Signal name such as 'SIGKILL', or null. */
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  /** Set when it timed out by its no-output limit (not its wall clock): that limit. */
  readonly silentMs?: number | undefined;
  /** True when `kill()` was called before the process ended (cancellation). */
  readonly cancelled: boolean;
  /**
   * A held task that never started: cancelled while held, or its launcher was gone before it
   * could start it (and provably did not). Such a result has `cancelled` set and pid 0.
   */
  readonly neverStarted?: boolean | undefined;
  /** Set when the program could not be started at all (e.g. ENOENT, EACCES). */
  readonly spawnError?: { readonly code: string; readonly message: string } | undefined;
  /** Epoch milliseconds. */
  readonly startedAt: number;
  readonly endedAt: number;
  /**
   * CPU time of the process and of the descendants it waited for, and peak resident memory of
   * the largest of them, when the launcher measures them (the python helper does, `spawn` not).
   */
  readonly usage?: TaskUsage | undefined;
  /**
   * For a request with `captures`, where the launcher looked (the python helper does): each
   * capture's size in bytes once the task ended, 0 when it was empty and is removed; -1 when it is
   * no capture or was not looked at (the caller looks).
   */
  readonly captureBytes?: { readonly stdout: number; readonly stderr: number } | undefined;
}

/**
 * A task handed over ahead of a free slot: the launcher starts it in place of one of its own
 * tasks that exits with status 0 (the slot of that task passes to it: `onStart` is called before
 * that task's end is reported), or once released. Until then a cancel drops it unstarted (its
 * result says `cancelled`, with pid 0); its timeout counts from its start.
 */
export interface HoldOptions {
  /** Called when it starts, at most once. */
  readonly onStart: () => void;
  /** Called once, at once, with the function that lets it start now (the caller has a slot for it). */
  readonly onHeld: (release: () => void) => void;
}

export interface RunningProcess {
  readonly done: Promise<LaunchResult>;
  /** Signals the whole process group; SIGKILL follows after the grace period. Idempotent. */
  cancel(): void;
  /**
   * The caller has acted on the end of this task, which failed (stopped its run and cancelled its
   * held tasks, say): a launcher that holds tasks starts none in place of another while a failure
   * is not acknowledged (only on release). Absent where nothing waits for it; idempotent.
   */
  readonly acknowledge?: (() => void) | undefined;
}

export interface Launcher {
  /** Short name for diagnostics, e.g. 'launcher' or 'spawn'. */
  readonly kind: string;
  /** `hold`: start it only in place of a task that ends, or once released. */
  start(request: LaunchRequest, hold?: HoldOptions): RunningProcess;
  /** Ends every process group still running (SIGTERM, then SIGKILL) and releases resources. */
  close(): Promise<void>;
}

/**
 * Told of each process group a launcher starts, and of its end, so that a run that takes over
 * from a killed one can end what that one left running. Calls are synchronous and cheap.
 */
export interface GroupWatcher {
  /** `leaderStart`: the leader's start time in clock ticks since boot, where the system tells it. */
  groupStarted(pgid: number, leaderStart: string | undefined): void;
  groupEnded(pgid: number): void;
  /** The python helper that starts the tasks, as soon as it runs (before any task starts). */
  helperStarted?(pid: number, start: string | undefined): void;
  /**
   * A folder where the python helper keeps its own ledger of the groups it starts (file
   * `<helper pid>`, lines `<pgid> <start>`), written before it reports each start: the watcher
   * then hears of no group start or end from it, unless the helper gives its ledger up.
   */
  readonly ledgerDir?: string | undefined;
}

export interface LauncherOptions {
  readonly watcher?: GroupWatcher | undefined;
}

export interface FastLauncherOptions {
  /**
   * Python interpreter, looked up on PATH. Default: the `python3` files on PATH, programs before
   * scripts (find-python.ts), each tried in turn until one starts the helper.
   */
  readonly python?: string;
  readonly script?: string;
  /** On close() or EOF, how long the helper waits after SIGTERM before SIGKILL. Default 1000. */
  readonly shutdownGraceMs?: number;
  /** How long the helper may take to say it is ready. Default 10000. */
  readonly readyTimeoutMs?: number;
  /** Told of each task's process group as it starts and ends. */
  readonly watcher?: GroupWatcher | undefined;
}

export interface FastLauncher extends Launcher {
  /** Process id of the python helper. */
  readonly pid: number;
}
