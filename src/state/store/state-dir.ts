// Where a folder's sluice state lives. A module of its own: the lock and the no-op short cut
// need the path without loading SQLite.

import path from 'node:path';

export function stateDirOf(root: string): string {
  return path.join(path.resolve(root), '.sluice');
}

/** The state database of the folder `root`: absent until something ran there. */
export function stateDbPathOf(root: string): string {
  return path.join(stateDirOf(root), 'state.db');
}

/** The folder of the python launchers' ledgers of process groups (record-running-processes.ts). */
export function ledgerDirIn(stateDir: string): string {
  return path.join(stateDir, 'launchers');
}
