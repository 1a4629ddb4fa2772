// Helpers for tests that start real processes: temp dirs and "is anything of this group alive".
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import type { Launcher, LaunchRequest } from '../../src/process/launch-types.ts';

export async function makeTempDir(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'sluice-process-test-'));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

interface ProcStat {
  readonly pid: number;
  readonly state: string;
  readonly pgid: number;
}

async function readStat(pid: string): Promise<ProcStat | undefined> {
  try {
    const text = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces: parse after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { pid: Number(pid), state: fields[0] ?? '?', pgid: Number(fields[2]) };
  } catch {
    return undefined; // exited while we looked
  }
}

/**
 * Pids of the group's members that are still running. Zombies do not count: on this kind of
 * machine pid 1 may never reap orphans, and a zombie cannot do anything.
 */
export async function findLivingMembers(pgid: number): Promise<number[]> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  const stats = await Promise.all(pids.map(readStat));
  return stats.filter((stat) => stat?.pgid === pgid && stat.state !== 'Z').map((stat) => stat!.pid);
}

export async function isRunning(pid: number): Promise<boolean> {
  const stat = await readStat(String(pid));
  return stat !== undefined && stat.state !== 'Z';
}

/** Polls until `check` holds or `timeoutMs` passes; returns whether it held. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export async function waitForGroupGone(pgid: number, timeoutMs = 5000): Promise<number[]> {
  await waitFor(async () => (await findLivingMembers(pgid)).length === 0, timeoutMs);
  return findLivingMembers(pgid);
}

/** A word no other process has in its argv, to find a test's processes by. */
export function makeMarker(): string {
  return `${Date.now() % 100_000}${Math.floor(Math.random() * 1_000_000)}`;
}

/** Pids of running (not zombie) processes whose argv holds `marker`. */
export async function findByMarker(marker: string): Promise<number[]> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  const found: number[] = [];
  await Promise.all(
    pids.map(async (pid) => {
      try {
        const argv = await readFile(`/proc/${pid}/cmdline`, 'utf8');
        if (argv.includes(marker) && (await isRunning(Number(pid)))) found.push(Number(pid));
      } catch {
        // exited while we looked
      }
    }),
  );
  return found.sort((a, b) => a - b);
}

/** Waits (generously) until no process has `marker` in its argv; returns those left. */
export async function waitForMarkerGone(marker: string, timeoutMs = 15_000): Promise<number[]> {
  await waitFor(async () => (await findByMarker(marker)).length === 0, timeoutMs);
  return findByMarker(marker);
}

/** Zombies whose parent is `parent`: children it did not reap. */
export async function findZombieChildren(parent: number): Promise<number[]> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  const zombies: number[] = [];
  for (const pid of pids) {
    try {
      const text = await readFile(`/proc/${pid}/stat`, 'utf8');
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z' && Number(fields[1]) === parent) zombies.push(Number(pid));
    } catch {
      // exited while we looked
    }
  }
  return zombies;
}

/** A launcher and a temp folder for the tests of one describe block. */
export interface LauncherFixture<L extends Launcher> {
  readonly dir: string;
  readonly launcher: L;
  /** A request run in `dir`, its output and error to /dev/null unless `extra` says otherwise. */
  request(argv: string[], extra?: Partial<LaunchRequest>): LaunchRequest;
}

/** Makes the folder and the launcher before the block's tests; closes and removes them after. */
export function useLauncher<L extends Launcher>(make: () => Promise<L>): LauncherFixture<L> {
  let dir = '';
  let launcher: L | undefined;
  before(async () => {
    dir = await makeTempDir();
    launcher = await make();
  });
  after(async () => {
    await launcher?.close();
    await removeDir(dir);
  });
  return {
    get dir() {
      return dir;
    },
    get launcher() {
      return launcher as L;
    },
    request: (argv, extra = {}) => ({ argv, cwd: dir, stdoutPath: '/dev/null', stderrPath: '/dev/null', ...extra }),
  };
}
