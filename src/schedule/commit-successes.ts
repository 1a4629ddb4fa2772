// What a run does with a task that succeeded, before its outputs are renamed into place: remember
// the hashes its worker thread took, sign it if it ran unsigned (a first run), and record the
// success, in batches (state/journal/batch-successes.ts).

import type { Task } from '../kernel/task.ts';
import { createSuccessBatcher } from '../state/journal/batch-successes.ts';
import type { Signature } from '../state/freshness/compute-signature.ts';
import { forgetDeletedTemporaries } from '../state/journal/deleted-temporaries.ts';
import { recordFileHashes } from '../state/hashes/hash-cache.ts';
import type { StateStore } from '../state/store/open-store.ts';
import type { FileDigest, RememberingHashCache } from '../state/hashes/remembered-hashes.ts';
import { resolveTaskPath } from '../kernel/resolve-task-path.ts';
import type { UpToDateGate } from './up-to-date-gate.ts';

/** Input hashes taken by worker threads, written to the hash cache this many at a time. */
const LEARNED_BATCH = 256;

export interface SuccessCommitter {
  /**
   * Records a success; `paths`: where the outputs are now; `digests` and `inputDigests`: the
   * hashes the task's thread took of its outputs and inputs. The outputs stay where they are
   * until what it returns has resolved.
   */
  commit(
    task: Task,
    attempt: number,
    startedAt: number,
    endedAt: number,
    paths?: readonly string[],
    digests?: readonly (FileDigest | undefined)[],
    inputDigests?: readonly (FileDigest | undefined)[],
  ): void | Promise<void>;
  /** Indexes of the inputs a task's thread should hash as it starts (those of a task that runs unsigned, unless this run knows them). */
  inputsToHash(task: Task): number[];
  /** Writes what waits (successes, hashes). */
  flush(): void;
}

export function createSuccessCommitter(store: StateStore, runId: string, gate: UpToDateGate, cache: RememberingHashCache): SuccessCommitter {
  const successes = createSuccessBatcher(store);
  let learned: Array<readonly [string, FileDigest]> = [];
  const writeLearned = (): void => {
    if (learned.length > 0) recordFileHashes(store, learned);
    learned = [];
  };

  return {
    commit(task, attempt, startedAt, endedAt, paths, digests, inputDigests) {
      if (digests !== undefined) {
        for (let i = 0; i < digests.length; i += 1) {
          const digest = digests[i];
          if (digest !== undefined) cache.remember(resolveTaskPath(task.cwd, task.outputs[i] as string), digest);
        }
      }
      if (task.outputs.length === 0) return;
      // Made again: no longer a deleted temporary whose recorded hash stands in for the file.
      if (task.temporary === true) forgetDeletedTemporaries(store, task.outputs.map((output) => resolveTaskPath(task.cwd, output)));
      const record = (signature: Signature): Promise<void> =>
        successes.add({ runId, task, signature, attempt, startedAt, finishedAt: endedAt, statPaths: paths });
      const signature = gate.signatureOf(task.id);
      if (signature !== undefined) return record(signature);
      if (!gate.isDeferred(task.id)) return;
      const known = new Map<string, string>();
      if (inputDigests !== undefined) {
        for (let i = 0; i < inputDigests.length; i += 1) {
          const digest = inputDigests[i];
          if (digest === undefined) continue;
          const file = resolveTaskPath(task.cwd, task.inputs[i] as string);
          known.set(file, digest.hash);
          cache.remember(file, digest);
          learned.push([file, digest]);
        }
        if (learned.length >= LEARNED_BATCH) writeLearned();
      }
      return gate.sign(task, known).then(record);
    },
    inputsToHash(task) {
      const indexes: number[] = [];
      if (!gate.isDeferred(task.id)) return indexes;
      for (let i = 0; i < task.inputs.length; i += 1) {
        if (!cache.knows(resolveTaskPath(task.cwd, task.inputs[i] as string))) indexes.push(i);
      }
      return indexes;
    },
    flush() {
      successes.flush();
      writeLearned();
    },
  };
}
