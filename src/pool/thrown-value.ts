// What a thread threw, carried back to the parent thread: errors lose their class on the way,
// so the name, message and stack travel as fields and the parent rebuilds an Error from them.

export interface ThrownValue {
  readonly name: string;
  readonly message: string;
  readonly stack?: string | undefined;
  /** True when the thrown value was not an Error (e.g. `throw 'text'`). */
  readonly notAnError?: boolean;
}

export function describeThrown(value: unknown): ThrownValue {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  let message: string;
  try {
    message = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    message = String(value);
  }
  return { name: 'Error', message, notAnError: true };
}

/** An Error with the thrown value's name, message and stack (the stack is the thread's). */
export function reviveThrown(thrown: ThrownValue): Error {
  const error = new Error(thrown.message);
  if (thrown.name !== 'Error') Object.defineProperty(error, 'name', { value: thrown.name, configurable: true, writable: true });
  if (thrown.stack !== undefined) error.stack = thrown.stack;
  return error;
}
