// Which python3 runs the launcher: programs before scripts (version managers' shims), each tried.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { listPythons } from '../../src/process/find-python.ts';
import { startFastLauncher } from '../../src/process/launcher-client.ts';
import { makeTempDir, removeDir } from './process-helpers.ts';
import { runSluice } from '../helpers/run-sluice.ts';

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

describe('a python3 too old for the launcher', { skip: real === undefined && 'no python3 program on PATH' }, () => {
  // As Python 3.7 answers the launcher (its version check), and as Python 2 answers its options.
  const OLD = '#!/bin/sh\necho "sluice-launcher: needs Python 3.8+ with os.posix_spawn, got Python 3.7.3" >&2\nexit 1\n';
  const ANCIENT = '#!/bin/sh\necho "Unknown option: -I" >&2\necho "usage: python3 [option] ... [-c cmd | -m mod | file | -] [arg] ..." >&2\necho "Try \\`python -h\' for more information." >&2\nexit 2\n';

  function project(): { dir: string; folder: (name: string, script: string) => string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-old-python-'));
    fs.writeFileSync(path.join(dir, 'a.txt'), 'a\n');
    return {
      dir,
      folder(name, script) {
        const folder = path.join(dir, name);
        fs.mkdirSync(folder);
        fs.writeFileSync(path.join(folder, 'python3'), script, { mode: 0o755 });
        return folder;
      },
    };
  }

  it('is passed over without a word when a later python3 fits', async () => {
    const { dir, folder } = project();
    const search = [folder('old', OLD), folder('ancient', ANCIENT), folder('good', `#!/bin/sh\nexec ${real} "$@"\n`)].join(path.delimiter);
    const result = await runSluice(['map', '--out', 'out/{name}', '--', '/bin/cp', '{in}', '{out}', ':::', 'a.txt'], { cwd: dir, env: { PATH: search, SLUICE_DEBUG: undefined } });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'out/a.txt'), 'utf8'), 'a\n');
    assert.doesNotMatch(result.stderr, /needs Python|Unknown option|usage:|python -h/, result.stderr);
  });

  it('says once what the launcher needs and what it found when none fits, and runs the tasks without it', async () => {
    const { dir, folder } = project();
    const search = [folder('old', OLD), folder('ancient', ANCIENT)].join(path.delimiter);
    const result = await runSluice(['map', '--out', 'out/{name}', '--', '/bin/cp', '{in}', '{out}', ':::', 'a.txt'], { cwd: dir, env: { PATH: search, SLUICE_DEBUG: undefined } });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'out/a.txt'), 'utf8'), 'a\n');
    const notes = result.stderr.split('\n').filter((line) => /python/i.test(line));
    assert.equal(notes.length, 1, result.stderr);
    assert.match(notes[0] as string, /needs Python 3\.8\+/);
    assert.match(notes[0] as string, new RegExp(`${path.join(dir, 'old', 'python3')}.*got Python 3\\.7\\.3`));
    assert.match(notes[0] as string, new RegExp(`${path.join(dir, 'ancient', 'python3')}.*Unknown option: -I`));
  });
});
