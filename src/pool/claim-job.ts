// A job may wait on a worker thread behind the job it runs (worker-pool.ts, `ahead`). Either the
// thread takes it when it gets to it, or the pool takes it back for a thread that became idle,
// never both: the two race for a number in memory they share.
//
// Two numbers: once the job before it has answered, the pool counts a waiting job as running,
// and may offer the next one before the thread has taken that one. The next is offered in the
// other number, so that it cannot overwrite the offer the thread is about to take.

/** What the pool posts to a thread: the job's claim number (0: it starts at once) and its message. */
export type Envelope<In> = readonly [claim: number, message: In];

export interface Claim {
  /** Shared with the thread (its workerData). */
  readonly shared: Int32Array;
  /**
   * Offers the thread a job to take when it gets to it, behind the job it runs (`running`: that
   * job's claim number, 0 if it was never offered); returns the new job's claim number.
   */
  offer(running: number): number;
  /** True when the pool got the job back: the thread has not taken it and never will. */
  takeBack(claim: number): boolean;
}

export function createClaim(): Claim {
  const shared = new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
  let last = 0;
  return {
    shared,
    offer(running) {
      const slot = running === 0 ? 0 : 1 - (running & 1);
      // Positive, fits an Int32, and its lowest bit names its slot.
      if (last > 0x7ffffff0) last = 0;
      last += (last & 1) === slot ? 2 : 1;
      Atomics.store(shared, slot, last);
      return last;
    },
    takeBack: (claim) => claim !== 0 && Atomics.compareExchange(shared, claim & 1, claim, 0) === claim,
  };
}

/** On the thread: true when it may start the job, false when the pool took it back. */
export function takeJob(shared: Int32Array, claim: number): boolean {
  return claim === 0 || Atomics.compareExchange(shared, claim & 1, claim, 0) === claim;
}
