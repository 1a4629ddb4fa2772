// One message to a thread and back costs tens of microseconds, far more than `x => x * 2`, so
// `map` sends items in chunks sized from the time items have taken so far: each chunk carries
// about `targetMs` of work. Slow items go one at a time, which also balances the threads.

export interface ChunkSizeInput {
  /** Items not yet sent. */
  readonly remaining: number;
  readonly threads: number;
  /** Items measured so far and the thread time they took; 0 and 0 before the first answer. */
  readonly measuredItems: number;
  readonly measuredMs: number;
  /** Work per message to aim for. */
  readonly targetMs: number;
}

/** Items to put in the next message: at least 1, and at most an even share of what is left. */
export function chooseChunkSize(input: ChunkSizeInput): number {
  const share = Math.max(1, Math.ceil(input.remaining / input.threads));
  if (input.measuredItems === 0) return 1;
  const perItemMs = Math.max(input.measuredMs / input.measuredItems, 1e-5);
  return Math.max(1, Math.min(share, Math.floor(input.targetMs / perItemMs)));
}
