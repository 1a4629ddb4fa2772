// What a run does with a task that succeeded, before its outputs are renamed into place: remember
// the hashes its worker thread took, sign it if it ran unsigned (a first run), and commit the
// success to the journal (state/journal/journal.ts), which writes it in a batch.

import type { CommitSuccess } from '../execute/executor.ts';
import type { Task } from '../kernel/task.ts';
import type { Signature } from '../state/freshness/compute-signature.ts';
import type { Journal } from '../state/journal/journal.ts';
import { createLearnedHashes } from '../state/hashes/record-learned-hashes.ts';
import type { StateStore } from '../state/store/open-store.ts';
import type { RememberingHashCache } from '../state/hashes/remembered-hashes.ts';
import { resolveTaskPath } from '../kernel/resolve-task-path.ts';
import type { UpToDateGate } from './up-to-date-gate.ts';

export interface SuccessCommitter {
  /**
   * Records a success; `paths`: where the outputs are now; `digests` and `inputDigests`: the
   * hashes the task's thread took of its outputs and inputs. The outputs stay where they are
   * until what it returns has resolved.
   */
  commit: CommitSuccess;
  /** Indexes of the inputs a task's thread should hash as it starts (those of a task that runs unsigned, unless this run knows them). */
  inputsToHash(task: Task): number[];
  /** Writes what waits (successes, hashes). */
  flush(): void;
}

export function createSuccessCommitter(store: StateStore, journal: Journal, gate: UpToDateGate, cache: RememberingHashCache): SuccessCommitter {
  const learned = createLearnedHashes(store);

  return {
    commit(task, attempt, startedAt, endedAt, paths, digests, inputDigests) {
      if (digests !== undefined) {
        for (let i = 0; i < digests.length; i += 1) {
          const digest = digests[i];
          if (digest !== undefined) cache.remember(resolveTaskPath(task.cwd, task.outputs[i] as string), digest);
        }
      }
      if (task.outputs.length === 0) return;
      const record = (signature: Signature): Promise<void> =>
        journal.commitSuccess({ task, attempt, signature, startedAt, finishedAt: endedAt, statPaths: paths, stats: digests });
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
          learned.add(file, digest);
        }
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
      journal.flush();
      learned.flush();
    },
  };
}
