// Tasks as the kept plan writes them (kept-plan.ts), a line of JSON each: the fields of a task that
// are the same as its anchor's (most of a step's: its name, folder, resources, parameters, input
// and output names) are named in a bit mask instead of written again, and read back as the
// anchor's. The anchor is the first task of each run of tasks of one step, written whole: any task
// is read back from its own line and its anchor's, so a run after an edit reads only the tasks it
// is given (narrow-kept-plan.ts). Parsing 10,000 tasks of one step makes a third of the objects.

/** Packed tasks: the field names the masks index, then each task's line. */
export interface PackedTasks {
  readonly keys: string[];
  readonly lines: string[];
}

// `"~": [mask, anchor's index]` on a task that is not an anchor.
const MASK = '~';
// Bits of a mask that are safe in JavaScript's 32-bit operators.
const MAX_KEYS = 30;

export function packTasks<T extends object>(tasks: readonly T[]): PackedTasks {
  const keys: string[] = [];
  const index = new Map<string, number>();
  const lines: string[] = [];
  let anchor: Record<string, unknown> = {};
  let anchorAt = -1;
  for (let i = 0; i < tasks.length; i += 1) {
    const task = tasks[i] as Record<string, unknown>;
    const whole = anchorAt < 0 || anchor['step'] !== task['step'];
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
      if (!whole && bit !== undefined && key in anchor && isSameJson(anchor[key], value)) mask |= 1 << bit;
      else out[key] = value;
    }
    if (whole) {
      anchor = task;
      anchorAt = i;
    } else out[MASK] = [mask, anchorAt];
    lines.push(JSON.stringify(out));
  }
  return { keys, lines };
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

/**
 * Reads task `i` back from its line (`lineOf(i)`) and its anchor's; a field named in a mask is the
 * same object as the anchor's. Throws on a line that is not one `packTasks` wrote.
 */
export function createTaskReader<T>(keys: readonly string[], count: number, lineOf: (i: number) => string): (i: number) => T {
  const anchors = new Map<number, Record<string, unknown>>();
  const parse = (i: number): Record<string, unknown> => {
    if (!Number.isInteger(i) || i < 0 || i >= count) throw new Error(`there is no task ${i + 1}`);
    const each = JSON.parse(lineOf(i)) as Record<string, unknown>;
    if (each === null || typeof each !== 'object' || Array.isArray(each)) throw new Error(`task ${i + 1} is not an object`);
    return each;
  };
  return (i) => {
    const each = parse(i);
    const packed = each[MASK];
    if (packed === undefined) {
      // An anchor: the tasks after it share its objects.
      anchors.set(i, each);
      return each as T;
    }
    delete each[MASK];
    const [mask, at] = Array.isArray(packed) ? (packed as unknown[]) : [];
    if (typeof mask !== 'number' || typeof at !== 'number' || at >= i) throw new Error(`task ${i + 1} has a damaged mask`);
    let anchor = anchors.get(at);
    if (anchor === undefined) {
      anchor = parse(at);
      if (MASK in anchor) throw new Error(`task ${i + 1} takes its fields from a task that is no anchor`);
      anchors.set(at, anchor);
    }
    for (let bit = 0; bit < keys.length; bit += 1) {
      if ((mask & (1 << bit)) === 0) continue;
      const key = keys[bit] as string;
      if (!(key in anchor)) throw new Error(`task ${i + 1} takes \`${key}\` from a task that has none`);
      each[key] = anchor[key];
    }
    return each as T;
  };
}

/** Every task `packTasks` packed. */
export function unpackTasks<T>(packed: PackedTasks): T[] {
  const read = createTaskReader<T>(packed.keys, packed.lines.length, (i) => packed.lines[i] as string);
  const tasks: T[] = [];
  for (let i = 0; i < packed.lines.length; i += 1) tasks.push(read(i));
  return tasks;
}
