// What /proc says about the processes of this machine: enough to find the processes a task
// started (their parent, group, session, start time, and the tag in their environment).
import { existsSync, readdirSync, readFileSync } from 'node:fs';

export interface ProcessEntry {
  readonly pid: number;
  readonly ppid: number;
  readonly pgid: number;
  readonly sid: number;
  /** One letter: R, S, D, Z (zombie), X (dead), ... */
  readonly state: string;
  /** When it started, in clock ticks since boot: with the pid, who it is (pids are reused). */
  readonly startTicks: number;
}

/** Clock ticks per second of /proc times (USER_HZ): 100 on every Linux that sluice runs on. */
const TICKS_PER_SECOND = 100;

/** Pids to look at: those in (above, upTo]. */
export interface PidRange {
  readonly above: number;
  readonly upTo: number;
}

/** A range this small is probed pid by pid rather than listed. */
const PROBED_RANGE = 512;

/** Every process (with a pid in `range`), or undefined where there is no /proc (not Linux). */
export function listProcesses(range?: PidRange): ProcessEntry[] | undefined {
  if (range !== undefined && range.upTo - range.above <= PROBED_RANGE && hasProc()) {
    const entries: ProcessEntry[] = [];
    for (let pid = range.above + 1; pid <= range.upTo; pid++) {
      // Most pids of the range are gone: asking first spares the cost of a thrown error.
      if (!existsSync(`/proc/${pid}`)) continue;
      const entry = readProcess(pid);
      if (entry !== undefined) entries.push(entry);
    }
    return entries;
  }
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return undefined;
  }
  const entries: ProcessEntry[] = [];
  for (const name of names) {
    if (name.charCodeAt(0) < 48 || name.charCodeAt(0) > 57) continue;
    const pid = Number(name);
    if (range !== undefined && (pid <= range.above || pid > range.upTo)) continue;
    const entry = readProcess(pid);
    if (entry !== undefined) entries.push(entry);
  }
  return entries;
}

let procMounted: boolean | undefined;

function hasProc(): boolean {
  procMounted ??= existsSync('/proc/self/stat');
  return procMounted;
}

export function readProcess(pid: number): ProcessEntry | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined; // exited while we looked
  }
  // The command name is in parentheses and may hold anything: the fields follow the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return {
    pid,
    state: fields[0] ?? '?',
    ppid: Number(fields[1]),
    pgid: Number(fields[2]),
    sid: Number(fields[3]),
    startTicks: Number(fields[19]),
  };
}

/** The value of `name` in the environment the process started with, or undefined. */
export function readEnvironment(pid: number, name: string): string | undefined {
  let environ: string;
  try {
    environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
  } catch {
    return undefined; // gone, or not ours to read
  }
  const key = `${name}=`;
  let at = 0;
  if (!environ.startsWith(key)) {
    const found = environ.indexOf(`\0${key}`);
    if (found < 0) return undefined;
    at = found + 1;
  }
  const end = environ.indexOf('\0', at);
  return environ.slice(at + key.length, end < 0 ? undefined : end);
}

/** The last pid the system gave (the last field of /proc/loadavg), or undefined. */
export function readLastPid(): number | undefined {
  try {
    const pid = Number(readFileSync('/proc/loadavg', 'latin1').trim().split(' ').pop());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Clock ticks since boot now, a second early; 0 without /proc (no process is then skipped). */
export function ticksSinceBoot(): number {
  try {
    const seconds = Number.parseFloat(readFileSync('/proc/uptime', 'latin1'));
    return Number.isFinite(seconds) ? Math.max(0, Math.floor((seconds - 1) * TICKS_PER_SECOND)) : 0;
  } catch {
    return 0;
  }
}
