// Tasks as the kept plan writes them (kept-plan.ts): the fields of a task that are the same as the
// task's before it (most of a step's: its name, folder, resources, parameters, input and output
// names) are named in a bit mask instead of written again, and read back as that task's. Parsing
// 10,000 tasks of one step then makes a third of the objects.

/** Packed tasks: the field names the masks index, then each task's mask and other fields. */
export interface PackedTasks {
  readonly keys: string[];
  readonly tasks: Record<string, unknown>[];
}

const MASK = '~';
// Bits of a mask that are safe in JavaScript's 32-bit operators.
const MAX_KEYS = 30;

export function packTasks<T extends object>(tasks: readonly T[]): PackedTasks {
  const keys: string[] = [];
  const index = new Map<string, number>();
  const packed: Record<string, unknown>[] = [];
  let last: Record<string, unknown> = {};
  for (const task of tasks as readonly Record<string, unknown>[]) {
    const out: Record<string, unknown> = {};
    let mask = 0;
    for (const key in task) {
      const value = task[key];
      if (value === undefined || key === MASK) continue;
      let bit = index.get(key);
      if (bit === undefined && keys.length < MAX_KEYS) {
        bit = keys.length;
        keys.push(key);
        index.set(key, bit);
      }
      if (bit !== undefined && key in last && isSameJson(last[key], value)) mask |= 1 << bit;
      else out[key] = value;
    }
    if (mask !== 0) out[MASK] = mask;
    packed.push(out);
    last = task;
  }
  return { keys, tasks: packed };
}

// Whether two JSON values would be written alike: the same keys in the same order, the same
// values. (A key whose value is undefined counts, which JSON would leave out: then they only
// differ, and the task's own value is written.) Stops at the first difference: the input paths
// of two tasks of a step differ in their first characters.
function isSameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  for (let i = 0; i < keysA.length; i += 1) {
    const key = keysA[i] as string;
    if (keysB[i] !== key || !isSameJson((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
  }
  return true;
}

/** The tasks `packTasks` packed; a field named in a mask is the same object as the task's before. */
export function unpackTasks<T>(packed: PackedTasks): T[] {
  const { keys } = packed;
  const tasks: T[] = [];
  let last: Record<string, unknown> = {};
  for (const each of packed.tasks) {
    const mask = each[MASK];
    if (typeof mask === 'number') {
      delete each[MASK];
      for (let bit = 0; bit < keys.length; bit += 1) {
        if ((mask & (1 << bit)) === 0) continue;
        const key = keys[bit] as string;
        if (!(key in last)) throw new Error(`task ${tasks.length + 1} takes \`${key}\` from a task that has none`);
        each[key] = last[key];
      }
    }
    tasks.push(each as T);
    last = each;
  }
  return tasks;
}
