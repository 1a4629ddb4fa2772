import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = path.join(REPO, 'src/cli/main.ts');
const TSX = path.join(REPO, 'node_modules/tsx/dist/loader.mjs');

export interface SluiceResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly cwd: string;
  readonly stdin?: string | Buffer;
  readonly env?: Record<string, string | undefined>;
  /** The open-files limit sluice runs under (`ulimit -n`), when not the test's own. */
  readonly openFiles?: number;
}

/** Starts the real CLI, on the TypeScript sources, as a user would run it. */
export function startSluice(args: readonly string[], options: RunOptions) {
  const argv = [process.execPath, '--import', TSX, MAIN, ...args];
  const limited = options.openFiles === undefined ? argv : ['sh', '-c', `ulimit -n ${options.openFiles} && exec "$@"`, 'sh', ...argv];
  const child = spawn(limited[0] as string, limited.slice(1), {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  child.stdin.end(options.stdin ?? '');
  const done = new Promise<SluiceResult>((resolve) => {
    child.on('close', (code, signal) =>
      resolve({
        code,
        signal,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      }),
    );
  });
  return { child, done };
}

export function runSluice(args: readonly string[], options: RunOptions): Promise<SluiceResult> {
  return startSluice(args, options).done;
}

export function makeTempDir(prefix = 'sluice-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Whether any process of the process group is still alive. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function waitFor(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Every file under `root`, relative, sorted. */
export function listFiles(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .map((entry) => path.relative(root, path.join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name)) + (entry.isDirectory() ? '/' : ''))
    .sort();
}

/** The lines that test pipelines append to `ran.log` (one per task run), sorted; empties it. */
export function takeRanLog(dir: string): string[] {
  const file = path.join(dir, 'ran.log');
  const lines = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split('\n') : [];
  fs.rmSync(file, { force: true });
  return lines.filter((line) => line !== '').sort();
}

/**
 * The text of every file of a project but sluice's state and the files named in `skip`, by
 * relative path; with `folders`, each folder too, as `(folder)`: what two runs must leave alike.
 */
export function readProject(dir: string, options: { readonly skip?: readonly string[]; readonly folders?: boolean } = {}): Record<string, string> {
  const files: Record<string, string> = {};
  for (const file of listFiles(dir)) {
    if (file.startsWith('.sluice/') || options.skip?.includes(file) === true) continue;
    if (file.endsWith('/')) {
      if (options.folders === true) files[file] = '(folder)';
      continue;
    }
    files[file] = fs.readFileSync(path.join(dir, file), 'utf8');
  }
  return files;
}
