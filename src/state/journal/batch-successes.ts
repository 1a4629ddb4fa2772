// Successes written in groups. One transaction per success was the main thread's largest cost per
// task on the diabetes bench (0.1-0.2 ms, a commit to the write-ahead log each time), and while it
// runs no task reaches a worker thread. A success that comes soon after another waits a few
// milliseconds for more; one that comes alone (the last tasks of a run, a task that gathers the
// others' outputs) is written at once, so that what waits for it does not wait longer. Its outputs
// are renamed into place once it is written, so a crash before then only runs the task again.

export interface SuccessBatcher<Entry> {
  /** Resolves once the entry is committed, with the others of its batch; rejects if that failed. */
  add(entry: Entry): Promise<void>;
  /** Writes what waits, now. */
  flush(): void;
}

export interface SuccessBatchOptions {
  /** Written at once when this many wait. */
  readonly maxEntries?: number;
  /** The longest the first of a batch waits; a success that comes this long after the last one is written at once. */
  readonly delayMs?: number;
}

const DEFAULTS = { maxEntries: 64, delayMs: 10 };

/** `write`: writes a batch in one transaction, or throws and writes none of it. */
export function createSuccessBatcher<Entry>(write: (batch: Entry[]) => void, options: SuccessBatchOptions = {}): SuccessBatcher<Entry> {
  const maxEntries = options.maxEntries ?? DEFAULTS.maxEntries;
  const delayMs = options.delayMs ?? DEFAULTS.delayMs;
  let entries: Entry[] = [];
  let settle: Array<{ resolve: () => void; reject: (error: unknown) => void }> = [];
  let timer: NodeJS.Timeout | undefined;
  let lastAddedAt = Number.NEGATIVE_INFINITY;

  const flush = (): void => {
    clearTimeout(timer);
    timer = undefined;
    if (entries.length === 0) return;
    const batch = entries;
    const waiting = settle;
    entries = [];
    settle = [];
    try {
      write(batch);
    } catch (error) {
      for (const { reject } of waiting) reject(error);
      return;
    }
    for (const { resolve } of waiting) resolve();
  };

  return {
    add(entry) {
      return new Promise<void>((resolve, reject) => {
        entries.push(entry);
        settle.push({ resolve, reject });
        const now = performance.now();
        const alone = now - lastAddedAt >= delayMs;
        lastAddedAt = now;
        if (alone || entries.length >= maxEntries) flush();
        else timer ??= setTimeout(flush, delayMs);
      });
    },
    flush,
  };
}
