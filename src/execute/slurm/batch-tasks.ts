// Groups ready tasks into submissions: items with one key that arrive within a short window
// (or fill an array) go out together. The scheduler hands over every ready task in one pass,
// so a window of about 100 ms catches a step's whole wave.

export interface Batch<T> {
  readonly key: string;
  readonly items: readonly T[];
}

export interface BatcherOptions<T> {
  readonly windowMs: number;
  /** Largest batch; a full one goes out at once. */
  readonly maxSize: number;
  readonly send: (batch: Batch<T>) => void;
}

export interface Batcher<T> {
  add(key: string, item: T): void;
  /** Sends what is waiting now. */
  flush(): void;
  /** Drops what is waiting (it will not be sent) and stops the timers. */
  close(): void;
}

export function createBatcher<T>(options: BatcherOptions<T>): Batcher<T> {
  const open = new Map<string, { items: T[]; timer: NodeJS.Timeout }>();
  const send = (key: string): void => {
    const batch = open.get(key);
    if (batch === undefined) return;
    clearTimeout(batch.timer);
    open.delete(key);
    options.send({ key, items: batch.items });
  };
  return {
    add(key, item) {
      let batch = open.get(key);
      if (batch === undefined) {
        batch = { items: [], timer: setTimeout(() => send(key), options.windowMs) };
        open.set(key, batch);
      }
      batch.items.push(item);
      if (batch.items.length >= options.maxSize) send(key);
    },
    flush() {
      for (const key of [...open.keys()]) send(key);
    },
    close() {
      for (const batch of open.values()) clearTimeout(batch.timer);
      open.clear();
    },
  };
}
