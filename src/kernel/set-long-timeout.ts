// Node's timers hold at most 2^31 - 1 ms (about 24.8 days): a longer delay is replaced by 1 ms,
// with a TimeoutOverflowWarning, so a task's `timeout: '900h'` would end it at once.
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * setTimeout for any delay: beyond MAX_TIMER_MS it waits in equal rounds of one timer, re-armed
 * with refresh(), so the one Timeout returned is what clearTimeout() cancels, as with setTimeout.
 */
export function setLongTimeout(callback: () => void, delayMs: number): NodeJS.Timeout {
  if (!(delayMs > MAX_TIMER_MS)) return setTimeout(callback, delayMs);
  // Infinity (or near it) waits forever, one full round at a time.
  let rounds = Number.isFinite(delayMs) ? Math.ceil(delayMs / MAX_TIMER_MS) : Number.POSITIVE_INFINITY;
  const timer: NodeJS.Timeout = setTimeout(
    () => {
      rounds -= 1;
      if (rounds > 0) timer.refresh();
      else callback();
    },
    Number.isFinite(rounds) ? Math.ceil(delayMs / rounds) : MAX_TIMER_MS,
  );
  return timer;
}
