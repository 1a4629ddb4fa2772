// `map` sends a function to threads as its source text and evaluates it there, in the thread's
// global scope: it must be self-contained.

export type ItemFunction = (item: unknown, index: number) => unknown;

/**
 * Evaluates a function's source text: an arrow function, a function expression or a method
 * (`double(x) { ... }`, as `obj.double.toString()` prints it). Throws a SyntaxError or TypeError
 * naming the source when it is not one.
 */
export function compileFunction(source: string): ItemFunction {
  defineNameHelper();
  let value: unknown;
  try {
    value = evaluate(`(${source}\n)`);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    try {
      value = Object.values(evaluate(`({ ${source}\n})`) as object)[0];
    } catch {
      throw new SyntaxError(`Could not evaluate the function's source on a worker thread (${error.message}); bound and native functions cannot be sent: ${shorten(source)}`);
    }
  }
  if (typeof value !== 'function') throw new TypeError(`Expected the source to be a function, got ${shorten(source)}`);
  return value as ItemFunction;
}

// Indirect eval: global scope, no access to this module's variables.
function evaluate(text: string): unknown {
  return (0, eval)(text);
}

// tsx (esbuild with keepNames) compiles inner named functions to `__name(fn, "fn")` calls; the
// helper lives in the module, not in the function's source, so the thread supplies its own.
function defineNameHelper(): void {
  const global = globalThis as { __name?: unknown };
  global.__name ??= (target: object, value: string): object =>
    Object.defineProperty(target, 'name', { value, configurable: true });
}

function shorten(source: string): string {
  const line = source.replace(/\s+/g, ' ');
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}
