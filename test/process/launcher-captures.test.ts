// The python helper settles a task's capture files as it ends: an empty one is removed, the sizes
// are reported, and a file that is no capture (an output, a device) is never touched.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { startFastLauncher } from '../../src/process/launcher-client.ts';
import { useLauncher } from './process-helpers.ts';

describe('capture files through the python launcher', () => {
  const fx = useLauncher(startFastLauncher);

  const run = (script: string, name: string, captures: { stdout: boolean; stderr: boolean }, stdoutPath = path.join(fx.dir, `${name}.out`)) =>
    fx.launcher.start({ argv: ['sh', '-c', script], cwd: fx.dir, stdoutPath, stderrPath: path.join(fx.dir, `${name}.err`), captures }).done;

  it('removes an empty capture and reports the sizes', async () => {
    const quiet = await run('exit 3', 'quiet', { stdout: true, stderr: true });
    assert.equal(quiet.exitCode, 3);
    assert.deepEqual(quiet.captureBytes, { stdout: 0, stderr: 0 });
    assert.equal(fs.existsSync(path.join(fx.dir, 'quiet.out')) || fs.existsSync(path.join(fx.dir, 'quiet.err')), false);
    const loud = await run('printf abc; printf 12345 >&2', 'loud', { stdout: true, stderr: true });
    assert.deepEqual(loud.captureBytes, { stdout: 3, stderr: 5 });
    assert.equal(fs.readFileSync(path.join(fx.dir, 'loud.err'), 'utf8'), '12345');
  });

  it('leaves an empty file that is no capture, and never removes a device', async () => {
    const output = await run('true', 'output', { stdout: false, stderr: true });
    assert.deepEqual(output.captureBytes, { stdout: -1, stderr: 0 });
    assert.equal(fs.statSync(path.join(fx.dir, 'output.out')).size, 0, 'an empty output stays');
    const device = await run('true', 'device', { stdout: true, stderr: true }, '/dev/null');
    assert.equal(device.captureBytes?.stdout, -1);
    assert.ok(fs.existsSync('/dev/null'));
  });

  it('reports nothing when the request names no capture', async () => {
    const plain = await fx.launcher.start({ argv: ['true'], cwd: fx.dir, stdoutPath: path.join(fx.dir, 'p.out'), stderrPath: path.join(fx.dir, 'p.err') }).done;
    assert.equal(plain.captureBytes, undefined);
    assert.ok(fs.existsSync(path.join(fx.dir, 'p.out')));
  });
});
