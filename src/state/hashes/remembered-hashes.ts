// Hashes of files sluice itself just wrote, taken by the worker thread that wrote them (see
// execute/worker/run-step-function.ts), so that the tasks reading those files are signed without
// reading them again on the main thread. In memory for one run only: a row written now would not
// be trusted by a later run anyway (hash-cache.ts's racy-clean rule), and the file is trusted
// here only while its size, mtime and inode are those it had when it was hashed.

import path from 'node:path';
import type { HashCache } from './hash-cache.ts';
import { isSameStat, statFile, type FileStat } from './stat-file.ts';

/** A file's stat with its content hash, taken together: the stat did not change while reading. */
export interface FileDigest extends FileStat {
  readonly hash: string;
  /** Epoch ns, read before the stat (hash-cache.ts: a row is trusted once the file is older). */
  readonly hashedAtNs?: bigint | undefined;
}

export interface RememberingHashCache extends HashCache {
  /** `file` (absolute) has this content while its stat is `digest`'s. */
  remember(file: string, digest: FileDigest): void;
  /** Whether `file` (absolute) was remembered (its stat is checked when it is asked for). */
  knows(file: string): boolean;
}

export function withRememberedHashes(cache: HashCache): RememberingHashCache {
  const remembered = new Map<string, FileDigest>();
  return {
    counts: cache.counts,
    remember(file, digest) {
      remembered.set(file, digest);
    },
    knows: (file) => remembered.has(file),
    async hashFiles(paths) {
      if (remembered.size === 0) return cache.hashFiles(paths);
      const known = new Map<string, string>();
      const rest: string[] = [];
      for (let i = 0; i < paths.length; i += 1) {
        const file = paths[i] as string;
        const key = path.isAbsolute(file) ? file : path.resolve(file);
        const digest = remembered.get(key);
        const stat = digest === undefined ? undefined : statFile(key);
        if (digest !== undefined && stat !== undefined && isSameStat(digest, stat)) {
          cache.counts.hits += 1;
          known.set(key, digest.hash);
        } else {
          if (digest !== undefined) remembered.delete(key);
          rest.push(key);
        }
      }
      const hashes = rest.length === 0 ? new Map<string, string | undefined>() : await cache.hashFiles(rest);
      known.forEach((hash, key) => hashes.set(key, hash));
      return hashes;
    },
  };
}
