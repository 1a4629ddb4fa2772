// A small file system of its own for a suite's full-disk cases: a tmpfs mounted before the
// suite's tests and unmounted after (root only, as CI runs). Where it cannot be mounted, `mount`
// stays undefined and `why` says why: each test skips with it.
import { execFileSync } from 'node:child_process';
import { after, before } from 'node:test';
import { makeTempDir } from './run-sluice.ts';

export interface SmallTmpfs {
  /** Where it is mounted; undefined when it could not be. */
  readonly mount: string | undefined;
  /** Why it was not mounted. */
  readonly why: string;
}

/** Call in a `describe`: `options` as mount's -o (`size=4m`, `nr_inodes=600`). */
export function useSmallTmpfs(prefix: string, options: string): SmallTmpfs {
  const state: { mount: string | undefined; why: string } = { mount: undefined, why: '' };
  before(() => {
    if (process.getuid?.() !== 0) {
      state.why = 'needs root to mount a small tmpfs';
      return;
    }
    const point = makeTempDir(prefix);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', point], { stdio: 'pipe' });
      state.mount = point;
    } catch (error) {
      state.why = `could not mount a tmpfs: ${(error as Error).message.split('\n')[0]}`;
    }
  });
  after(() => {
    if (state.mount !== undefined) execFileSync('umount', [state.mount]);
  });
  return state;
}
