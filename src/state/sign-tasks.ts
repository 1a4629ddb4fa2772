// Signatures for many tasks at once: every input of every task is stat'ed and looked up in one
// batch, so a large up-to-date pipeline costs one query and one stat per file.

import path from 'node:path';
import type { Task } from '../plan/task.ts';
import { computeSignature, type Signature, type SignedAction } from './compute-signature.ts';
import type { HashCache } from './hash-cache.ts';
import type { JsonValue } from './serialize-canonical.ts';

export interface SignableTask {
  readonly task: Pick<Task, 'action' | 'inputs' | 'outputs' | 'cwd'>;
  /** Overrides `task.action`, e.g. `{ kind: 'function', source }` for a TypeScript step. */
  readonly action?: SignedAction | undefined;
  readonly params?: JsonValue | undefined;
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
}

export async function signTasks(cache: HashCache, items: readonly SignableTask[]): Promise<Signature[]> {
  const absolute = items.map((item) => item.task.inputs.map((p) => path.resolve(item.task.cwd, p)));
  const hashes = await cache.hashFiles(absolute.flat());
  return items.map((item, i) =>
    computeSignature({
      action: item.action ?? item.task.action,
      inputs: item.task.inputs.map((p, j) => ({ path: p, hash: hashes.get(absolute[i]![j]!) })),
      outputs: item.task.outputs,
      params: item.params,
      env: item.env,
    }),
  );
}
