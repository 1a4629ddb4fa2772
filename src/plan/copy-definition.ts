// What pipeline() and step() were given is the user's code: a getter may throw, a Proxy's traps
// may throw, a record may refer to itself. Before the schema looks at it, it is copied into plain
// data here, each getter run once, so that what throws is a plan error naming the field (and the
// line), not an exception out of the checker.

export type Key = string | number;

/** Where reading a value failed: the path to it, what was thrown, or that it refers to itself. */
export class ReadFailure extends Error {
  override name = 'ReadFailure';
  readonly path: readonly Key[];
  readonly thrown: unknown;
  readonly circular: boolean;

  constructor(path: readonly Key[], thrown: unknown, circular = false) {
    super(circular ? 'refers to itself' : 'threw');
    this.path = path;
    this.thrown = thrown;
    this.circular = circular;
  }
}

// Deeper than this, a value is left as it is (a definition is a few levels deep).
const MAX_DEPTH = 32;

/**
 * A copy of `value` in which lists and plain records are new objects holding what their getters
 * returned; functions, primitives and other objects (a Date, a class instance) are kept as they
 * are, for the schema to judge. Throws a ReadFailure with the path at fault.
 */
export function copyDefinition(value: unknown, path: readonly Key[] = [], ancestors: unknown[] = []): unknown {
  if (typeof value !== 'object' || value === null || ancestors.length > MAX_DEPTH) return value;
  if (ancestors.includes(value)) throw new ReadFailure(path, undefined, true);
  const list = attempt(path, () => Array.isArray(value));
  if (!list && !attempt(path, () => isPlainObject(value))) return value;
  ancestors.push(value);
  try {
    if (list) {
      const length = attempt([...path, 'length'], () => (value as unknown[]).length);
      const copy: unknown[] = [];
      for (let index = 0; index < length; index += 1) {
        copy.push(copyDefinition(attempt([...path, index], () => (value as unknown[])[index]), [...path, index], ancestors));
      }
      return copy;
    }
    const keys = attempt(path, () => Object.keys(value));
    const copy: Record<string, unknown> = Object.getPrototypeOf(value) === null ? Object.create(null) : {};
    for (const key of keys) {
      const item = attempt([...path, key], () => (value as Record<string, unknown>)[key]);
      // A computed key defines an own property, even for `__proto__`.
      Object.defineProperty(copy, key, { value: copyDefinition(item, [...path, key], ancestors), enumerable: true, writable: true, configurable: true });
    }
    return copy;
  } finally {
    ancestors.pop();
  }
}

/** A record as written in code: `{ ... }` or Object.create(null), not a Date, a Map or a class instance. */
export function isPlainObject(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

function attempt<T>(path: readonly Key[], read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ReadFailure) throw error;
    throw new ReadFailure(path, error);
  }
}
