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
  // The JSON of the last task's fields, by name.
  let last = new Map<string, string>();
  for (const task of tasks) {
    const now = new Map<string, string>();
    const out: Record<string, unknown> = {};
    let mask = 0;
    for (const [key, value] of Object.entries(task)) {
      if (value === undefined || key === MASK) continue;
      const text = JSON.stringify(value);
      now.set(key, text);
      let bit = index.get(key);
      if (bit === undefined && keys.length < MAX_KEYS) {
        bit = keys.length;
        keys.push(key);
        index.set(key, bit);
      }
      if (bit !== undefined && last.get(key) === text) mask |= 1 << bit;
      else out[key] = value;
    }
    if (mask !== 0) out[MASK] = mask;
    packed.push(out);
    last = now;
  }
  return { keys, tasks: packed };
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
