// Errors of the worker-thread pool: an item that failed in `map`, and work stopped on purpose.
import { SluiceError } from '../errors.ts';

/** One item of `map` threw (or rejected); `map` rejects with the first such item. */
export class MapItemError extends SluiceError {
  override name = 'MapItemError';
  readonly item: unknown;
  /** Position of the item in the input. */
  readonly index: number;

  constructor(item: unknown, index: number, cause: unknown) {
    super(`${reasonOf(cause)} (map item ${index}: ${previewItem(item)})${hintFor(cause)}`, { cause });
    this.item = item;
    this.index = index;
  }
}

/** Work ended by an abort signal, a timeout or `close()`; the threads running it were terminated. */
export class PoolAbortError extends SluiceError {
  override name = 'AbortError';
  readonly code = 'ABORT_ERR';
}

function reasonOf(cause: unknown): string {
  if (cause instanceof Error) return `${cause.name === 'Error' ? '' : `${cause.name}: `}${cause.message}`;
  return `threw ${previewItem(cause)}`;
}

// A function sent to a thread sees only globals; a missing name is nearly always a captured variable.
function hintFor(cause: unknown): string {
  if (!(cause instanceof Error) || cause.name !== 'ReferenceError') return '';
  return '; the function runs on a worker thread from its source text, so it cannot use variables from outside it';
}

/** A short, one-line rendering of a value for messages. */
function previewItem(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : typeof value === 'bigint' ? `${value}n` : (JSON.stringify(value) ?? String(value));
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
