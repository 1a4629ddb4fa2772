// Successes written in groups. One transaction per success was the main thread's largest cost per
// task on the diabetes bench (0.1-0.2 ms, a commit to the write-ahead log each time), and while it
// runs no task reaches a worker thread; a commit rewrites every page its rows touched, so a batch
// of 64 costs some 30 µs less a success than one of 20. A success waits for others only while it
// keeps nothing from starting: when the run has a slot it cannot fill (`urgent`: its last tasks,
// or tasks that wait for this one's outputs), it is written at once, with those that wait. Its
// outputs are renamed into place once it is written, so a crash before then only runs the task
// again. While every slot is busy a success waits up to 100 ms for others: each transaction
// rewrites the partly filled last pages of every table and index it adds to, so on a first run
// of the diabetes pipeline (1,402 successes) 25 ms made some 60 transactions and 8,000 writes to
// the write-ahead log, 100 ms some 5,800 writes (scripts/count-syscalls.sh).

export interface SuccessBatcher<Entry> {
  /** Resolves once the entry is committed, with the others of its batch; rejects if that failed. */
  add(entry: Entry): Promise<void>;
  /** Writes what waits, now. */
  flush(): void;
}

export interface SuccessBatchOptions {
  /** Written at once when this many wait. */
  readonly maxEntries?: number;
  /** The longest the first of a batch waits. */
  readonly delayMs?: number;
  /**
   * Whether something waits for the successes (the run has a free slot and no task ready to take
   * it): a success is then written at once. Without it, a success that comes `delayMs` after the
   * last one is written at once (the delay is then 10 ms by default, else 100).
   */
  readonly urgent?: (() => boolean) | undefined;
}

const DEFAULTS = { maxEntries: 256, delayMs: 10, urgentDelayMs: 100 };

/** `write`: writes a batch in one transaction, or throws and writes none of it. */
export function createSuccessBatcher<Entry>(write: (batch: Entry[]) => void, options: SuccessBatchOptions = {}): SuccessBatcher<Entry> {
  const maxEntries = options.maxEntries ?? DEFAULTS.maxEntries;
  const urgent = options.urgent;
  const delayMs = options.delayMs ?? (urgent === undefined ? DEFAULTS.delayMs : DEFAULTS.urgentDelayMs);
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
  // A success that comes long after the last one is alone (the caller cannot tell).
  const isAlone = (): boolean => {
    const now = performance.now();
    const alone = now - lastAddedAt >= delayMs;
    lastAddedAt = now;
    return alone;
  };

  return {
    add(entry) {
      return new Promise<void>((resolve, reject) => {
        entries.push(entry);
        settle.push({ resolve, reject });
        if (entries.length >= maxEntries || (urgent === undefined ? isAlone() : urgent())) flush();
        else timer ??= setTimeout(flush, delayMs);
      });
    },
    flush,
  };
}
