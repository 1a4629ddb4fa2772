// A task's signature: what its outputs were made from. Equal signatures mean a re-run would
// compute the same thing. Each component is hashed on its own as well, so that a mismatch can
// be explained ("command changed") and not just detected.

import type { Action } from '../plan/task.ts';
import { HASH_ALGORITHM, hashText } from './hash-file.ts';
import { serializeAction } from './serialize-action.ts';
import { serializeCanonical, type JsonValue } from './serialize-canonical.ts';

/**
 * A function step is signed by `{ kind: 'function', source }` alone: the task's FunctionAction
 * also holds the pipeline file's absolute path, which would make a moved folder run again.
 */
export type SignedAction = Action | { readonly kind: 'function'; readonly source: string; readonly modules?: string };

export interface InputHash {
  /** The path as the task names it. */
  readonly path: string;
  /** Content hash; undefined when the file does not exist. */
  readonly hash: string | undefined;
}

export interface SignatureParts {
  readonly action: SignedAction;
  /** In the task's order: `{in}` and `inputs[0]` are not interchangeable. */
  readonly inputs: readonly InputHash[];
  readonly outputs: readonly string[];
  /** The step's parameters, plain JSON. */
  readonly params?: JsonValue | undefined;
  /** Values of the environment variables the step declares; unset ones left out. */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
}

export interface Signature {
  readonly value: string;
  readonly inputsHash: string;
  readonly actionHash: string;
  readonly paramsHash: string;
  readonly envHash: string;
  /** Kept so that a changed input can be named. */
  readonly inputs: readonly InputHash[];
}

// Bump when the way a signature is computed changes: every task then runs once more.
const SIGNATURE_FORMAT = `sluice-signature-1/${HASH_ALGORITHM}`;

/** Pure: the same parts give the same signature on any machine. */
export function computeSignature(parts: SignatureParts): Signature {
  // Paths and hashes are strings: plain JSON.stringify is canonical for them, and native.
  let inputsText = '';
  for (const input of parts.inputs) inputsText += `${JSON.stringify(input.path)}:${input.hash ?? '-'}\n`;
  const inputsHash = hashText(inputsText);
  const actionHash = hashText(serializeAction(parts.action));
  const paramsHash = hashRepeated(serializeCanonical(parts.params ?? null, 'params'));
  const envHash = hashRepeated(serializeCanonical(parts.env ?? {}, 'env'));
  // The output paths have no component hash of their own: they are part of the task key, so
  // other paths make another task; only their order can differ under one key.
  const value = hashText(
    `${SIGNATURE_FORMAT}\n${inputsHash}\n${actionHash}\n${paramsHash}\n${envHash}\n${JSON.stringify(parts.outputs)}`,
  );
  return { value, inputsHash, actionHash, paramsHash, envHash, inputs: parts.inputs };
}

// Every task of a step has the same parameters and environment: hash each text once.
const repeatedHashes = new Map<string, string>();

function hashRepeated(text: string): string {
  let hash = repeatedHashes.get(text);
  if (hash === undefined) {
    if (repeatedHashes.size >= 10_000) repeatedHashes.clear();
    hash = hashText(text);
    repeatedHashes.set(text, hash);
  }
  return hash;
}
