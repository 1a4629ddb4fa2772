// A task starts with every signal at its default disposition: no handler of the launcher's, and
// no signal left ignored, even one the launcher itself was started ignoring (a wrapper that ran
// `trap '' USR1`, as nohup ignores SIGHUP).
import assert from 'node:assert/strict';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startFastLauncher, type FastLauncher } from '../../src/process/launcher-client.ts';
import { makeTempDir, removeDir } from './process-helpers.ts';

const linux = process.platform === 'linux';

describe('signal dispositions of a task started by the python launcher', { skip: linux ? false : 'reads /proc/self/status' }, () => {
  let dir: string;
  let launcher: FastLauncher;

  before(async () => {
    dir = await makeTempDir();
    // The launcher's python, started with SIGUSR1, SIGQUIT and a real-time signal ignored.
    const wrapper = path.join(dir, 'python-ignoring');
    await writeFile(wrapper, '#!/bin/sh\ntrap \'\' USR1 QUIT 36\nexec python3 "$@"\n');
    await chmod(wrapper, 0o755);
    launcher = await startFastLauncher({ python: wrapper });
  });
  after(async () => {
    await launcher.close();
    await removeDir(dir);
  });

  it('ignores and catches no signal', async () => {
    const stdoutPath = path.join(dir, 'status');
    const result = await launcher.start({ argv: ['cat', '/proc/self/status'], cwd: dir, stdoutPath, stderrPath: path.join(dir, 'err') }).done;
    assert.equal(result.exitCode, 0);
    const status = await readFile(stdoutPath, 'utf8');
    // Bit n-1 stands for signal n. glibc's posix_spawn itself leaves its two internal signals (32
    // and 33, below SIGRTMIN) ignored; no program uses them.
    const ignored = BigInt(`0x${/^SigIgn:\s+([0-9a-f]+)$/m.exec(status)?.[1] ?? 'missing'}`) & ~0x180000000n;
    assert.equal(ignored.toString(16), '0', 'no signal ignored');
    assert.match(status, /^SigCgt:\s+0+$/m, 'no handler');
    assert.match(status, /^SigBlk:\s+0+$/m, 'none blocked');
  });
});
