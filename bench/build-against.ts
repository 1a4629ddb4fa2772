// `--against REF`: the CLI as it was at a git commit, built by that commit's own `npm run build`,
// so that a benchmark runs old and new builds alternately in one invocation (on a shared machine
// the load moves between invocations more than a change moves the figures).
import { execFileSync } from 'node:child_process';
import { mkdir, symlink } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchmarkOptions } from './benchmark.ts';
import { buildCli } from './build-cli.ts';
import { runCommand } from './measure.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

export interface Cli {
  readonly command: string[];
  readonly label: string;
  /** '' for the current source; ` @abc1234` for the build of `--against`: added to contender names. */
  readonly tag: string;
}

/** The current source's CLI, then, with `--against REF`, REF's: each built into `dir`. */
export async function buildClis(dir: string, options: BenchmarkOptions): Promise<Cli[]> {
  const current = await buildCli(dir);
  if (current === undefined) throw new Error('src/cli/main.ts is missing: there is no sluice to measure');
  const clis: Cli[] = [{ ...current, tag: '' }];
  if (options.against !== undefined) clis.push(await buildAt(dir, options.against));
  return clis;
}

// `git archive` rather than a worktree: nothing is registered in the repository, and the copy
// goes with the benchmark's temp folder. node_modules is the current one, linked.
async function buildAt(dir: string, ref: string): Promise<Cli> {
  const commit = execFileSync('git', ['-C', root, 'rev-parse', '--verify', `${ref}^{commit}`], { encoding: 'utf8' }).trim();
  const short = commit.slice(0, 7);
  const tree = path.join(dir, `at-${short}`);
  await mkdir(tree);
  execFileSync('sh', ['-c', 'git -C "$1" archive "$2" | tar -x -C "$3"', 'sh', root, commit, tree]);
  await symlink(path.join(root, 'node_modules'), path.join(tree, 'node_modules'));
  await runCommand({ argv: ['npm', 'run', '--silent', 'build'], cwd: tree, timeoutMs: 300_000 });
  return {
    command: [process.execPath, path.join(tree, 'dist', 'cli', 'main.js')],
    label: `the CLI at ${short} (${ref}), built by its own npm run build`,
    tag: ` @${short}`,
  };
}
