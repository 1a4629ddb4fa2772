// Finds processes by a unique marker in their argv, through /proc: how the tests that end a run
// check that nothing it started survived.
import fs from 'node:fs';

/** Pids of living (not zombie) processes whose argv holds `marker`. */
export function findMarked(marker: string): number[] {
  const found: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const argv = fs.readFileSync(`/proc/${name}/cmdline`, 'latin1');
      if (!argv.includes(marker)) continue;
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'latin1');
      if (!/^[ZX]$/.test(stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3))) found.push(Number(name));
    } catch {
      // exited while we looked
    }
  }
  return found.filter((pid) => pid !== process.pid);
}

/** Waits up to `timeoutMs` for every process marked with one of `markers` to be gone; returns the survivors by marker. */
export async function survivorsAfter(markers: readonly string[], timeoutMs = 10_000): Promise<Record<string, number[]>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = Object.fromEntries(markers.map((marker) => [marker, findMarked(marker)]).filter(([, pids]) => (pids as number[]).length > 0));
    if (Object.keys(left).length === 0 || Date.now() > deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits until each marker names a living process (the tasks have started what they start). */
export async function waitForMarked(markers: readonly string[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (markers.some((marker) => findMarked(marker).length === 0)) {
    if (Date.now() > deadline) throw new Error(`no process marked ${markers.filter((marker) => findMarked(marker).length === 0).join(', ')} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** SIGKILLs whatever a failed test left behind, so that it does not outlive the test run. */
export function killMarked(markers: readonly string[]): void {
  for (const marker of markers) {
    for (const pid of findMarked(marker)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
}
