// Input hashes a worker thread took as its task read them: kept in the hash cache for the runs
// that follow, written this many at a time (one transaction per task would cost more than the task).

import type { StateStore } from '../store/open-store.ts';
import { recordFileHashes } from './hash-cache.ts';
import type { FileDigest } from './remembered-hashes.ts';

const PER_WRITE = 256;

export interface LearnedHashes {
  /** `file`: absolute. Written with the others once PER_WRITE wait, or on `flush`. */
  add(file: string, digest: FileDigest): void;
  flush(): void;
}

export function createLearnedHashes(store: StateStore): LearnedHashes {
  let learned: Array<readonly [string, FileDigest]> = [];
  const flush = (): void => {
    if (learned.length === 0) return;
    const batch = learned;
    learned = [];
    recordFileHashes(store, batch);
  };
  return {
    add(file, digest) {
      learned.push([file, digest]);
      if (learned.length >= PER_WRITE) flush();
    },
    flush,
  };
}
