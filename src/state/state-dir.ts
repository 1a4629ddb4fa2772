// Where a folder's sluice state lives. A module of its own: the lock and the no-op short cut
// need the path without loading SQLite.

import path from 'node:path';

export function stateDirOf(root: string): string {
  return path.join(path.resolve(root), '.sluice');
}
