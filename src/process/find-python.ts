// Which python3 runs the launcher helper. Any Python 3.8+ will do (it uses the standard library
// only, and its tasks get sluice's environment, not its own), so a program is preferred to a
// script: a version manager's shim (pyenv, asdf) is a shell script that takes ~60 ms of CPU and
// forks a dozen times to find the real interpreter, on every sluice run.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * The `python3` files on `searchPath`, in PATH order, programs before scripts (a file that
 * starts with `#!`); ['python3'] when there is none, so that starting it says why.
 */
export function listPythons(searchPath = process.env['PATH'] ?? ''): string[] {
  const programs: string[] = [];
  const scripts: string[] = [];
  const seen = new Set<string>();
  for (const dir of searchPath.split(path.delimiter)) {
    if (dir === '' || !path.isAbsolute(dir)) continue; // a relative PATH entry is not sluice's to trust
    const file = path.join(dir, 'python3');
    if (seen.has(file)) continue;
    seen.add(file);
    const kind = inspect(file);
    if (kind === 'program') programs.push(file);
    else if (kind === 'script') scripts.push(file);
  }
  const found = [...programs, ...scripts];
  return found.length === 0 ? ['python3'] : found;
}

function inspect(file: string): 'program' | 'script' | undefined {
  let fd: number | undefined;
  try {
    const stat = statSync(file, { throwIfNoEntry: false });
    // Executable by someone; whether by us, starting it tells.
    if (stat === undefined || !stat.isFile() || (stat.mode & 0o111) === 0) return undefined;
    fd = openSync(file, 'r');
    const head = Buffer.alloc(2);
    const read = readSync(fd, head, 0, 2, 0);
    return read === 2 && head[0] === 0x23 && head[1] === 0x21 ? 'script' : 'program';
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * The line of what a python3 printed on standard error, before the launcher was ready, that says
 * why it could not run it: the launcher's own check, else the first line that is not usage or a
 * traceback's frame (Python 2's `Unknown option: -I`).
 */
export function pickComplaint(stderr: string): string | undefined {
  const lines = stderr.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  return lines.find((line) => line.startsWith('sluice-launcher:')) ?? lines.find((line) => !/^(usage:|Try |Traceback|File )/.test(line)) ?? lines.at(-1);
}
