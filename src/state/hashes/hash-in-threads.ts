// Content hashes taken on worker threads: the first run over a large data set hashes every
// input before any task starts (225 MB on the diabetes bench), and on the main thread alone that
// is one core doing it while the others wait.

import fs from 'node:fs';
import { locateModule } from '../../kernel/locate-code.ts';
import type { WorkerPool } from '../../pool/worker-pool.ts';
import { hashFile, type Hasher } from './hash-file.ts';

/** A worker thread's answer: the hash, or why it could not read the file. */
export type HashAnswer = { readonly hash: string } | { readonly message: string; readonly code?: string | undefined };

export interface ThreadHasher {
  /** A Hasher (hash-cache.ts): rejects with the error's `code` (e.g. ENOENT) as hashFile does. */
  readonly hash: Hasher;
  /** Ends the threads, if any started. */
  close(): Promise<void>;
}

const HASH_WORKER = locateModule('state/hashes/hash-worker');

/** Files smaller than this are hashed on the calling thread: the message costs more. */
const MIN_THREAD_BYTES = 256 * 1024;

/**
 * Hashes large files on up to `threads` worker threads, started when the first one is needed.
 * A thread takes about 0.1 s to boot: until the first answer comes back, files are hashed on the
 * calling thread too, so that the tasks waiting for them need not wait for the boot.
 */
export function createThreadHasher(threads: number): ThreadHasher {
  // Loaded with the first large file: a run that hashes none (a full check) loads no pool code.
  let pool: Promise<WorkerPool<string, HashAnswer>> | undefined;
  let booted = false;
  const onThread = async (file: string): Promise<string> => {
    const answer = await (await (pool as Promise<WorkerPool<string, HashAnswer>>)).run(file);
    booted = true;
    if ('hash' in answer) return answer.hash;
    throw Object.assign(new Error(answer.message), { code: answer.code });
  };
  return {
    async hash(file, knownSize) {
      const size = knownSize ?? fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0;
      if (size < MIN_THREAD_BYTES) return hashFile(file);
      if (pool === undefined) {
        pool = import('../../pool/worker-pool.ts').then(({ createWorkerPool }) => {
          const started = createWorkerPool<string, HashAnswer>({ size: threads, entry: HASH_WORKER });
          started.warm();
          return started;
        });
        return onThread(file);
      }
      return booted ? onThread(file) : hashFile(file);
    },
    // A pool whose module failed to load started no thread: nothing to close.
    close: async () => (await pool?.catch(() => undefined))?.close(),
  };
}
