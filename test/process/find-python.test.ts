// Which python3 runs the launcher: programs before scripts (version managers' shims), each tried.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { listPythons } from '../../src/process/find-python.ts';
import { startFastLauncher } from '../../src/process/launcher-client.ts';
import { makeTempDir, removeDir } from './process-helpers.ts';

const real = listPythons().find((file) => file.startsWith('/') && !fs.readFileSync(file).subarray(0, 2).equals(Buffer.from('#!')));

describe('finding python3 for the launcher', { skip: real === undefined && 'no python3 program on PATH' }, () => {
  let dir = '';
  after(() => removeDir(dir));

  it('lists programs before scripts, each folder once, and skips what is not executable', async () => {
    dir = await makeTempDir();
    const [shims, bin, plain, relative] = ['shims', 'bin', 'plain', 'relative'].map((name) => path.join(dir, name)) as [string, string, string, string];
    for (const folder of [shims, bin, plain]) fs.mkdirSync(folder);
    fs.writeFileSync(path.join(shims, 'python3'), `#!/bin/sh\nexec ${real} "$@"\n`, { mode: 0o755 });
    fs.symlinkSync(real as string, path.join(bin, 'python3'));
    fs.writeFileSync(path.join(plain, 'python3'), 'not executable');
    const search = [shims, plain, '', 'relative', bin, shims].join(path.delimiter);
    assert.deepEqual(listPythons(search), [path.join(bin, 'python3'), path.join(shims, 'python3')]);
    assert.deepEqual(listPythons(relative), ['python3'], 'none: the bare name, so that starting it says why');
  });

  it('starts the helper with the next python when the first cannot', async () => {
    const broken = path.join(dir, 'broken');
    fs.mkdirSync(broken);
    fs.symlinkSync(fs.realpathSync('/bin/false'), path.join(broken, 'python3'));
    const saved = process.env['PATH'];
    process.env['PATH'] = [broken, path.join(dir, 'shims')].join(path.delimiter);
    try {
      const launcher = await startFastLauncher();
      const result = await launcher.start({ argv: [real as string, '-c', 'pass'], cwd: dir, stdoutPath: '/dev/null', stderrPath: '/dev/null' }).done;
      assert.equal(result.exitCode, 0);
      await launcher.close();
    } finally {
      process.env['PATH'] = saved;
    }
  });
});
