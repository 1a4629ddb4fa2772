// Deterministic JSON: object keys sorted at every depth, so that the same value always hashes
// the same, whatever order the pipeline author wrote its keys in.

import { PlanError } from '../errors.ts';

export type JsonValue =
  | string
  | number
  | boolean
  | null
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue | undefined };

/** Serializes plain JSON with sorted keys; anything else is a PlanError naming where it is. */
export function serializeCanonical(value: unknown, label: string): string {
  return write(value, label, new Set());
}

function write(value: unknown, where: string, open: Set<object>): string {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') {
    return JSON.stringify(value);
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) reject(where, String(value));
    return JSON.stringify(value);
  }
  if (value === undefined) reject(where, 'undefined');
  if (typeof value !== 'object') reject(where, `a ${typeof value}`);
  if (open.has(value)) reject(where, 'a circular reference');
  open.add(value);
  let text: string;
  if (Array.isArray(value)) {
    text = `[${value.map((item, i) => write(item, `${where}[${i}]`, open)).join(',')}]`;
  } else {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) {
      reject(where, `an instance of ${(value as object).constructor?.name ?? 'a class'}`);
    }
    const record = value as Record<string, unknown>;
    const parts: string[] = [];
    for (const key of Object.keys(record).sort()) {
      if (record[key] === undefined) continue; // as JSON.stringify: absent and undefined agree
      parts.push(`${JSON.stringify(key)}:${write(record[key], `${where}.${key}`, open)}`);
    }
    text = `{${parts.join(',')}}`;
  }
  open.delete(value);
  return text;
}

function reject(where: string, got: string): never {
  throw new PlanError(
    `Expected \`${where}\` to be plain JSON (string, finite number, boolean, null, array or object), got ${got}`,
  );
}
