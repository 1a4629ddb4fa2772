// How many tasks of a batch each array element runs, when the step does not say (`tasksPerJob`).
// Pure, so every case is tested on numbers. The rule, as the README states it:
//   expected duration = the median wall time of the step's tasks that ended in this run, else of
//   its successes recorded by earlier runs, else its declared timeout (an upper bound), else unknown;
//   tasks per element = target / expected duration, but never so many that the batch has fewer
//   elements than the cluster runs at once (slots), and never more than the partition's time
//   limit allows (a packed element's --time is the sum of its tasks' timeouts); at least 1.
//   Unknown: probe (one task per element for as many as the cluster runs at once; the rest wait
//   until the first of them succeeds and says how long tasks take).

export interface PackingInput {
  /** Tasks in the batch. */
  readonly count: number;
  /** `tasksPerJob` of the step or the command line: wins over everything. */
  readonly explicit?: number | undefined;
  /** Expected wall time of one task; undefined when nothing is known. */
  readonly expectedMs?: number | undefined;
  /** The step's declared timeout. */
  readonly timeoutMs?: number | undefined;
  /** Tasks of this shape the cluster can run at once (its CPUs / the task's cpus), at least 1. */
  readonly slots: number;
  /** The partition's time limit, when it has one. */
  readonly maxTimeMs?: number | undefined;
  /** The work an element should do, about. */
  readonly targetMs: number;
  /** What --time adds to the sum of the timeouts. */
  readonly timeMarginMs: number;
  /** How long a task that outlives its timeout gets between SIGTERM and SIGKILL. */
  readonly killGraceMs?: number | undefined;
}

export type Packing =
  | { readonly kind: 'packs'; readonly perElement: number }
  /** Duration unknown: send `count` (at most the slots) one per element, hold the rest back. */
  | { readonly kind: 'probe'; readonly count: number };

export function choosePacking(input: PackingInput): Packing {
  if (input.explicit !== undefined) return { kind: 'packs', perElement: input.explicit };
  const expected = input.expectedMs ?? input.timeoutMs;
  if (expected === undefined) return { kind: 'probe', count: Math.min(input.count, Math.max(1, input.slots)) };
  let perElement = Math.floor(input.targetMs / Math.max(1, expected));
  perElement = Math.min(perElement, Math.ceil(input.count / Math.max(1, input.slots)));
  if (input.timeoutMs !== undefined && input.maxTimeMs !== undefined) {
    // The element's --time (the sum of the timeouts and kill graces, plus the margin) must fit the partition.
    const grace = input.killGraceMs ?? 0;
    perElement = Math.min(perElement, Math.floor((input.maxTimeMs - input.timeMarginMs + grace) / (input.timeoutMs + grace)));
  }
  return { kind: 'packs', perElement: Math.max(1, perElement) };
}

/** `items` cut into elements of at most `perElement`, as even in size as their number allows, in order. */
export function splitIntoPacks<T>(items: readonly T[], perElement: number): T[][] {
  const elements = Math.ceil(items.length / Math.max(1, perElement));
  const packs: T[][] = [];
  const base = Math.floor(items.length / Math.max(1, elements));
  const larger = items.length - base * elements;
  let at = 0;
  for (let index = 0; index < elements; index++) {
    const size = base + (index < larger ? 1 : 0);
    packs.push(items.slice(at, at + size));
    at += size;
  }
  return packs;
}
