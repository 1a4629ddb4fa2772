import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { createLauncher } from '../../src/process/create-launcher.ts';

describe('createLauncher', () => {
  const saved = process.env['SLUICE_LAUNCHER'];
  afterEach(() => {
    if (saved === undefined) delete process.env['SLUICE_LAUNCHER'];
    else process.env['SLUICE_LAUNCHER'] = saved;
  });

  it('prefers the python launcher', async () => {
    delete process.env['SLUICE_LAUNCHER'];
    const launcher = await createLauncher();
    assert.equal(launcher.kind, 'launcher');
    await launcher.close();
  });

  it('honours SLUICE_LAUNCHER=spawn and =python', async () => {
    process.env['SLUICE_LAUNCHER'] = 'spawn';
    const spawnLauncher = await createLauncher();
    assert.equal(spawnLauncher.kind, 'spawn');
    await spawnLauncher.close();
    process.env['SLUICE_LAUNCHER'] = 'python';
    const python = await createLauncher();
    assert.equal(python.kind, 'launcher');
    await python.close();
  });

  it('falls back to spawn when python3 is not on PATH', async () => {
    delete process.env['SLUICE_LAUNCHER'];
    const path = process.env['PATH'];
    process.env['PATH'] = '/nonexistent';
    try {
      const launcher = await createLauncher();
      assert.equal(launcher.kind, 'spawn');
      await launcher.close();
    } finally {
      process.env['PATH'] = path;
    }
  });

  it('rejects an unknown SLUICE_LAUNCHER value', async () => {
    process.env['SLUICE_LAUNCHER'] = 'fork';
    await assert.rejects(createLauncher(), /Expected `SLUICE_LAUNCHER` to be `python` or `spawn`, got `fork`/);
  });
});
