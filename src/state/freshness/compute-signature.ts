// A task's signature: what its outputs were made from. Equal signatures mean a re-run would
// compute the same thing. Each component is hashed on its own as well, so that a mismatch can
// be explained ("command changed") and not just detected; those hashes are taken only when
// asked for (a success to record, a mismatch to explain): a no-op run of 10,000 tasks then
// hashes once per task, not three times.

import type { Action, ArgPart } from '../../kernel/task.ts';
import { HASH_ALGORITHM, hashText } from '../hashes/hash-file.ts';
import { serializeAction } from './serialize-action.ts';
import { serializeCanonical, type JsonValue } from './serialize-canonical.ts';

/**
 * A function step is signed by `{ kind: 'function', source }` alone: the task's FunctionAction
 * also holds the pipeline file's absolute path, which would make a moved folder run again. A
 * strict shell step is signed by its script and `shell: 'bash -euo pipefail'`, not by where bash
 * was found on this machine.
 */
export type SignedAction =
  | Action
  | { readonly kind: 'function'; readonly source: string; readonly modules?: string }
  | { readonly kind: 'shell'; readonly script: readonly ArgPart[]; readonly shell: string };

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
// 2: the value hashes the action and input texts directly, not their component hashes.
const SIGNATURE_FORMAT = `sluice-signature-2/${HASH_ALGORITHM}`;

/**
 * What a task is, apart from what its inputs hold: a digest of its signature's parts with the
 * inputs' paths in place of their hashes. Equal definitions and equal input hashes give equal
 * signatures (task-stamps.ts compares the first, and the inputs' stamps for the second).
 */
export function computeDefinition(parts: Omit<SignatureParts, 'inputs'> & { readonly inputPaths: readonly string[] }): string {
  const head = isBare(parts) ? (bareHead ??= headOf(parts)) : headOf(parts);
  return hashText(`${head}${JSON.stringify(parts.outputs)}\n${serializeAction(parts.action)}\n${JSON.stringify(parts.inputPaths)}`);
}

// The text before a definition's own parts: its format, parameters and environment.
function headOf(parts: Pick<SignatureParts, 'params' | 'env'>): string {
  const paramsHash = hashRepeated(serializeCanonical(parts.params ?? null, 'params'));
  const envHash = hashRepeated(serializeCanonical(parts.env ?? {}, 'env'));
  return `${SIGNATURE_FORMAT}/definition\n${paramsHash}\n${envHash}\n`;
}

// A command step's task has no parameters in its signature and mostly no declared environment:
// its head is the same text for every task (a full check defines 10,000 tasks).
let bareHead: string | undefined;

function isBare(parts: Pick<SignatureParts, 'params' | 'env'>): boolean {
  return (parts.params === null || parts.params === undefined) && (parts.env === undefined || parts.env === null);
}

/** Pure: the same parts give the same signature on any machine. */
export function computeSignature(parts: SignatureParts): Signature {
  // Paths and hashes are strings: plain JSON.stringify is canonical for them, and native.
  let inputsText = '';
  for (let i = 0; i < parts.inputs.length; i += 1) {
    const input = parts.inputs[i] as InputHash;
    inputsText += `${JSON.stringify(input.path)}:${input.hash ?? '-'}\n`;
  }
  return new LazySignature(
    inputsText,
    serializeAction(parts.action),
    hashRepeated(serializeCanonical(parts.params ?? null, 'params')),
    hashRepeated(serializeCanonical(parts.env ?? {}, 'env')),
    JSON.stringify(parts.outputs),
    parts.inputs,
  );
}

class LazySignature implements Signature {
  readonly value: string;
  readonly paramsHash: string;
  readonly envHash: string;
  readonly inputs: readonly InputHash[];
  readonly #inputsText: string;
  readonly #actionText: string;
  #inputsHash: string | undefined;
  #actionHash: string | undefined;

  constructor(inputsText: string, actionText: string, paramsHash: string, envHash: string, outputsText: string, inputs: readonly InputHash[]) {
    // JSON holds no raw newline, so each line but the last (the inputs) ends where it should.
    // The output paths have no component hash of their own: they are part of the task key, so
    // other paths make another task; only their order can differ under one key.
    this.value = hashText(`${SIGNATURE_FORMAT}\n${paramsHash}\n${envHash}\n${outputsText}\n${actionText}\n${inputsText}`);
    this.paramsHash = paramsHash;
    this.envHash = envHash;
    this.inputs = inputs;
    this.#inputsText = inputsText;
    this.#actionText = actionText;
  }

  get inputsHash(): string {
    return (this.#inputsHash ??= hashText(this.#inputsText));
  }

  get actionHash(): string {
    return (this.#actionHash ??= hashText(this.#actionText));
  }
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
