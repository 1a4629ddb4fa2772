// Signatures for many tasks at once: every input of every task is stat'ed and looked up in one
// batch, so a large up-to-date pipeline costs one query and one stat per file.

import type { Task } from '../../kernel/task.ts';
import { computeDefinition, computeSignature, type InputHash, type Signature, type SignedAction } from './compute-signature.ts';
import type { HashCache } from '../hashes/hash-cache.ts';
import { resolveTaskPath } from '../../kernel/resolve-task-path.ts';
import type { JsonValue } from './serialize-canonical.ts';

export interface SignableTask {
  readonly task: Pick<Task, 'action' | 'inputs' | 'outputs' | 'cwd'>;
  /** Overrides `task.action`, e.g. `{ kind: 'function', source }` for a TypeScript step. */
  readonly action?: SignedAction | undefined;
  readonly params?: JsonValue | undefined;
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
}

/**
 * `known`: hashes taken already, by absolute path (a worker thread's, of the content its function
 * read); they are used as they are, and only the other inputs are looked up or hashed.
 */
export async function signTasks(cache: HashCache, items: readonly SignableTask[], known?: ReadonlyMap<string, string>): Promise<Signature[]> {
  // Indexed loops: see hash-cache.ts.
  const absolute: string[] = [];
  for (let i = 0; i < items.length; i += 1) {
    const { task } = items[i] as SignableTask;
    for (let j = 0; j < task.inputs.length; j += 1) absolute.push(resolveTaskPath(task.cwd, task.inputs[j] as string));
  }
  const rest = known === undefined ? absolute : absolute.filter((file) => !known.has(file));
  const hashes = rest.length === 0 ? new Map<string, string | undefined>() : await cache.hashFiles(rest);
  known?.forEach((hash, file) => hashes.set(file, hash));
  const signatures: Signature[] = [];
  let at = 0;
  for (let i = 0; i < items.length; i += 1) {
    const item = items[i] as SignableTask;
    const inputs: InputHash[] = [];
    for (let j = 0; j < item.task.inputs.length; j += 1) {
      inputs.push({ path: item.task.inputs[j] as string, hash: hashes.get(absolute[at++] as string) });
    }
    signatures.push(
      computeSignature({ action: item.action ?? item.task.action, inputs, outputs: item.task.outputs, params: item.params, env: item.env }),
    );
  }
  return signatures;
}

/** The task's definition (compute-signature.ts `computeDefinition`), signed as `signTasks` signs it. */
export function defineTask(item: SignableTask): string {
  const { task } = item;
  return computeDefinition({ action: item.action ?? task.action, inputPaths: task.inputs, outputs: task.outputs, params: item.params, env: item.env });
}
