// Deterministic JSON: object keys sorted at every depth, so that the same value always hashes
// the same, whatever order the pipeline author wrote its keys in.

import { PlanError } from '../../errors.ts';

export type JsonValue =
  | string
  | number
  | boolean
  | null
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue | undefined };

// Plain JSON this deep is not a parameter set but a cycle; a depth limit finds cycles without a
// set of open objects, which matters when 10,000 tasks are signed per run.
const MAX_DEPTH = 100;

/** Where a value went wrong; the path is built while the error unwinds, so success pays nothing. */
class Rejection {
  readonly path: string[] = [];
  constructor(readonly got: string) {}
}

/** Serializes plain JSON with sorted keys; anything else is a PlanError naming where it is. */
export function serializeCanonical(value: unknown, label: string): string {
  try {
    return write(value, 0);
  } catch (error) {
    if (!(error instanceof Rejection)) throw error;
    throw new PlanError(
      `Expected \`${label}${error.path.reverse().join('')}\` to be plain JSON (string, finite number, ` +
        `boolean, null, array or object), got ${error.got}`,
    );
  }
}

function write(value: unknown, depth: number): string {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new Rejection(String(value));
      return JSON.stringify(value);
    case 'object':
      break;
    case 'undefined':
      throw new Rejection('undefined');
    default:
      throw new Rejection(`a ${typeof value}`);
  }
  if (value === null) return 'null';
  if (depth >= MAX_DEPTH) throw new Rejection(`a circular reference (or nesting deeper than ${MAX_DEPTH})`);
  if (Array.isArray(value)) {
    let text = '[';
    for (let i = 0; i < value.length; i += 1) {
      if (i > 0) text += ',';
      try {
        text += write(value[i], depth + 1);
      } catch (error) {
        if (error instanceof Rejection && error.path.length < MAX_DEPTH) error.path.push(`[${i}]`);
        throw error;
      }
    }
    return `${text}]`;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) {
    throw new Rejection(`an instance of ${(value as object).constructor?.name ?? 'a class'}`);
  }
  const record = value as Record<string, unknown>;
  let text = '{';
  for (const key of Object.keys(record).sort()) {
    const item = record[key];
    if (item === undefined) continue; // as JSON.stringify: absent and undefined agree
    if (text.length > 1) text += ',';
    try {
      text += `${JSON.stringify(key)}:${write(item, depth + 1)}`;
    } catch (error) {
      if (error instanceof Rejection && error.path.length < MAX_DEPTH) error.path.push(`.${key}`);
      throw error;
    }
  }
  return `${text}}`;
}
