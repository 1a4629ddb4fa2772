// Picks the launcher for this run: the python helper when python3 is there, else plain spawn.
// SLUICE_LAUNCHER=spawn forces the fallback, SLUICE_LAUNCHER=python the helper (or an error).
import path from 'node:path';
import { BackendError } from '../errors.ts';
import { listPythons } from './find-python.ts';
import { debugLog } from './debug-log.ts';
import type { Launcher, LauncherOptions } from './launch-types.ts';
import { startFastLauncher } from './launcher-client.ts';
import { createSpawnLauncher } from './spawn-launcher.ts';

export async function createLauncher(options: LauncherOptions = {}): Promise<Launcher> {
  const choice = process.env['SLUICE_LAUNCHER'] ?? '';
  if (choice === 'spawn') return createSpawnLauncher(options);
  if (choice !== 'python' && choice !== '') {
    throw new BackendError(`Expected \`SLUICE_LAUNCHER\` to be \`python\` or \`spawn\`, got \`${choice}\``);
  }
  try {
    return await startFastLauncher(options);
  } catch (error) {
    if (choice === 'python') throw error;
    debugLog('launcher', `falling back to spawn: ${(error as Error).message}`);
    // python3 is there but none fits: say once what the launcher needs and what was found.
    if (!unfitNoted && listPythons().some((python) => path.isAbsolute(python))) {
      unfitNoted = true;
      process.stderr.write(`sluice: ${(error as Error).message}; starting tasks with Node's spawn instead (slower)\n`);
    }
    return createSpawnLauncher(options);
  }
}

let unfitNoted = false;
