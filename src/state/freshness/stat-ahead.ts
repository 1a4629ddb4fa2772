// The no-op short cut's stats, begun before the command's modules load. A no-op `sluice run` of
// 10,000 tasks stats 20,000 files (~60 ms of ~150 ms on this machine), and only once its
// modules are loaded and its pipeline read (~90 ms in), while the second core waits. So the
// first module sluice runs guesses which snapshot the command will confirm (the one snapshot in
// the `.sluice/` the command will use: a run that checks every task deletes all of them and
// leaves its own) and starts a thread that reads it and checks its files' stamps. When the
// command gets there, under the run lock, it joins the thread: the two take the files left in
// chunks from one counter. What the thread found is taken only when the snapshot is still the
// very file it read (same size, times and inode): any run that held the lock in between deleted
// it before changing a file (open-session.ts), as the full check's use of the stats already
// relies on (unchanged-files.ts). A thread not yet checking, another snapshot, a guess that
// missed, or any failure of the thread: the command checks every file itself, as before.

import fs from 'node:fs';
import path from 'node:path';
import { locateModule } from '../../kernel/locate-code.ts';
import { startWorker } from '../../pool/start-worker.ts';
import { debugLog } from '../../process/debug-log.ts';
import { STAMP_WORDS } from './check-stamps.ts';

// The shared control words: its state, how many files, the next file to claim, how many are
// checked, whether one changed, then the words of the snapshot's stamp as the thread read it.
const STATE = 0;
const COUNT = 1;
const NEXT = 2;
const DONE = 3;
const FOUND = 4;
const STAMP_AT = 5;
const CONTROL_WORDS = STAMP_AT + STAMP_WORDS;

const STARTING = 0;
const CHECKING = 1;
/** The thread stopped, or is told to: nothing it found is taken. */
const ABANDONED = 2;

/** Files claimed at a time: few enough that the last chunk is not waited on long. */
const CHUNK = 256;

/** The least bytes a snapshot spends on a file: its words, a one-byte name and its NUL. */
const LEAST_BYTES_A_FILE = STAMP_WORDS * 4 + 2;

/** What the thread is given (its workerData). */
export interface StatAheadData {
  readonly file: string;
  readonly control: Int32Array;
  readonly changed: Uint8Array;
}

let ahead: StatAheadData | undefined;

/**
 * Starts checking the snapshot that the command `argv` (after `node sluice`) will confirm, in
 * `cwd`, when one can be told; never throws. SLUICE_STAT_AHEAD=0 turns it off.
 */
export function startStatAhead(argv: readonly string[], cwd: string): void {
  if (process.env['SLUICE_STAT_AHEAD'] === '0') return;
  try {
    const file = guessSnapshot(argv, cwd);
    const size = file === undefined ? undefined : fs.statSync(file, { throwIfNoEntry: false })?.size;
    if (file === undefined || size === undefined || size === 0) return;
    const data: StatAheadData = {
      file,
      control: new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * 4)),
      changed: new Uint8Array(new SharedArrayBuffer(Math.floor(size / LEAST_BYTES_A_FILE) + 1)),
    };
    const worker = startWorker(locateModule('state/freshness/stat-ahead-worker'), data.control, { ...data });
    // A thread that failed to start: the command checks alone. It never keeps sluice running.
    worker.on('error', () => Atomics.store(data.control, STATE, ABANDONED));
    worker.unref();
    ahead = data;
  } catch {
    ahead = undefined;
  }
}

/** Where the thread is, for SLUICE_DEBUG and tests: `finished` when every file is checked. */
export function describeStatAhead(): 'none' | 'starting' | 'checking' | 'finished' | 'abandoned' {
  if (ahead === undefined) return 'none';
  const state = Atomics.load(ahead.control, STATE);
  if (state === STARTING) return 'starting';
  if (state !== CHECKING) return 'abandoned';
  return Atomics.load(ahead.control, DONE) >= Atomics.load(ahead.control, COUNT) ? 'finished' : 'checking';
}

/** Tells the thread to stop, when the command will not join it (not a plain run, another key). */
export function stopStatAhead(): void {
  if (ahead !== undefined) Atomics.store(ahead.control, STATE, ABANDONED);
  ahead = undefined;
}

// Options with which the command plans whatever the snapshot says (execute-request.ts, isPlain).
const NOT_PLAIN = /^(-[a-zA-Z]*n[a-zA-Z]*|--dry-run|--force(-all)?(=.*)?|--json|--report(=.*)?|--executor(=.*)?)$/;

/**
 * The snapshot `sluice run` or `sluice map` (argv[0]) would confirm: the only one in the
 * `.sluice/` of the pipeline file's folder (`-f`) or of `cwd`. Undefined when it cannot be told
 * cheaply (`-C`, several snapshots or none) or the command will not confirm one (`--dry-run`).
 */
export function guessSnapshot(argv: readonly string[], cwd: string): string | undefined {
  const command = argv[0];
  if (command !== 'run' && command !== 'map') return undefined;
  let root = cwd;
  for (let i = 1; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (arg === '--') break;
    if (arg === '-C' || arg.startsWith('--directory') || (arg.startsWith('-C') && !arg.startsWith('--')) || NOT_PLAIN.test(arg)) return undefined;
    const file = command !== 'run' ? undefined : arg === '-f' || arg === '--file' ? argv[i + 1] : arg.startsWith('--file=') ? arg.slice(7) : undefined;
    if (file !== undefined) root = path.dirname(path.resolve(cwd, file));
  }
  const folder = path.join(root, '.sluice', 'up-to-date');
  let names: string[];
  try {
    names = fs.readdirSync(folder).filter((name) => name.endsWith('.snapshot'));
  } catch {
    return undefined;
  }
  return names.length === 1 ? path.join(folder, names[0] as string) : undefined;
}

/** What the snapshot's files are checked by, and what is done while the thread checks the rest. */
export interface FileChecks {
  /** Whether the snapshot's file `index` is as it was. */
  readonly same: (index: number) => boolean;
  /** Files before this one are folders: the check alone may stop at the first that changed. */
  readonly stopBefore: number;
  /**
   * Done on this thread, once some file is known to have changed, while the thread checks the
   * files left (the full check's first steps, which a no-op run never takes).
   */
  readonly meanwhile?: (() => void) | undefined;
}

/**
 * Which of the snapshot's `count` files changed (`changed[i]` 1); undefined when none did.
 * `stamp`: the words of the snapshot file's stat under the lock (undefined: it could not be
 * stat'ed). Alone, the check may stop at the first change of a folder (nothing of the snapshot
 * holds then); with the thread, every file is checked. Either way the first change is the same.
 */
export function findChangedFiles(file: string, stamp: ArrayLike<number> | undefined, count: number, checks: FileChecks): Uint8Array | undefined {
  const { same, stopBefore, meanwhile } = checks;
  const shared = stamp === undefined ? undefined : joinStatAhead(file, stamp, count);
  if (shared !== undefined) {
    const { control } = shared;
    const found = (): boolean => Atomics.load(control, FOUND) === 1;
    let mine = claimChecks(control, shared.changed, count, same, meanwhile === undefined ? undefined : found);
    if (meanwhile !== undefined && found()) {
      meanwhile();
      mine += claimChecks(control, shared.changed, count, same);
    }
    if (waitForChecks(control, count)) {
      debugLog('up-to-date', `a thread begun at start-up checked ${count - mine} of the ${count} files`);
      const changed = shared.changed.slice(0, count);
      return changed.includes(1) ? changed : undefined;
    }
  }
  let changed: Uint8Array | undefined;
  for (let i = 0; i < count; i += 1) {
    if (same(i)) continue;
    changed ??= new Uint8Array(count);
    changed[i] = 1;
    if (i < stopBefore || stamp === undefined) return changed;
  }
  return changed;
}

// The thread's work, when it checks this very snapshot; else it is told to stop.
function joinStatAhead(file: string, stamp: ArrayLike<number>, count: number): StatAheadData | undefined {
  const data = ahead;
  ahead = undefined;
  if (data === undefined || data.file !== file) return undefined;
  const { control } = data;
  const state = Atomics.compareExchange(control, STATE, STARTING, ABANDONED);
  let same = state === CHECKING && Atomics.load(control, COUNT) === count;
  for (let i = 0; i < STAMP_WORDS && same; i += 1) same = Atomics.load(control, STAMP_AT + i) === stamp[i];
  if (same) return data;
  Atomics.store(control, STATE, ABANDONED);
  debugLog('up-to-date', `the files are checked here alone: the thread begun at start-up ${state === STARTING ? 'was not checking yet' : state === CHECKING ? 'read another snapshot' : 'stopped'}`);
  return undefined;
}

/**
 * Checks files of the `count` in chunks claimed from the shared counter, until none is left, the
 * work is abandoned or `until` holds; how many it checked.
 */
export function claimChecks(control: Int32Array, changed: Uint8Array, count: number, same: (index: number) => boolean, until?: () => boolean): number {
  let checked = 0;
  while (Atomics.load(control, STATE) === CHECKING && until?.() !== true) {
    const from = Atomics.add(control, NEXT, CHUNK);
    if (from >= count) break;
    const to = Math.min(count, from + CHUNK);
    let found = false;
    for (let i = from; i < to; i += 1) {
      const differs = !same(i);
      changed[i] = differs ? 1 : 0;
      found ||= differs;
    }
    if (found) Atomics.store(control, FOUND, 1);
    Atomics.add(control, DONE, to - from);
    Atomics.notify(control, DONE);
    checked += to - from;
  }
  return checked;
}

// Whether every file was checked; false when the thread stopped with a chunk unchecked.
function waitForChecks(control: Int32Array, count: number): boolean {
  for (;;) {
    const done = Atomics.load(control, DONE);
    if (done >= count) {
      Atomics.store(control, STATE, ABANDONED);
      return true;
    }
    if (Atomics.load(control, STATE) !== CHECKING) return false;
    Atomics.wait(control, DONE, done, 50);
  }
}

/** The thread's side, when it fails: the command checks every file itself. */
export function abandonChecks(data: StatAheadData): void {
  Atomics.store(data.control, STATE, ABANDONED);
  Atomics.notify(data.control, DONE);
}

/**
 * The thread's side: once it read the snapshot (`count` files, the words of its stamp), it
 * checks files with the command until none is left; false when the command was there first
 * (it then checks alone) or the snapshot has more files than the shared memory holds.
 */
export function beginChecks(data: StatAheadData, count: number, stamp: ArrayLike<number>): boolean {
  const { control } = data;
  if (count > data.changed.length) {
    Atomics.store(control, STATE, ABANDONED);
    return false;
  }
  Atomics.store(control, COUNT, count);
  for (let i = 0; i < STAMP_WORDS; i += 1) Atomics.store(control, STAMP_AT + i, stamp[i] as number);
  return Atomics.compareExchange(control, STATE, STARTING, CHECKING) === STARTING;
}
