// The timeout / cancel state machine both launchers share, so "SIGTERM, then SIGKILL after the
// grace period, never after the process ended" is written once.

export const DEFAULT_KILL_GRACE_MS = 2000;

export type TerminationState = 'running' | 'terminating' | 'ended';

export interface TerminationOptions {
  readonly timeoutMs?: number | undefined;
  readonly killGraceMs?: number | undefined;
  /** Sends SIGTERM to the process group. */
  readonly terminate: () => void;
  /** Sends SIGKILL to the process group. */
  readonly kill: () => void;
}

export interface Termination {
  readonly state: TerminationState;
  readonly timedOut: boolean;
  readonly cancelled: boolean;
  /** Idempotent; a no-op once the process ended or is already being terminated. */
  cancel(): void;
  /** The process ended: clears every timer; later cancel() calls do nothing. */
  end(): void;
}

export function trackTermination(options: TerminationOptions): Termination {
  let state: TerminationState = 'running';
  let timedOut = false;
  let cancelled = false;
  let timer: NodeJS.Timeout | undefined;
  const grace = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;

  const terminate = (): void => {
    state = 'terminating';
    options.terminate();
    timer = setTimeout(() => {
      timer = undefined;
      if (state === 'terminating') options.kill();
    }, grace);
  };
  if (options.timeoutMs !== undefined && Number.isFinite(options.timeoutMs)) {
    timer = setTimeout(() => {
      timer = undefined;
      timedOut = true;
      terminate();
    }, Math.max(0, options.timeoutMs));
  }
  return {
    get state() {
      return state;
    },
    get timedOut() {
      return timedOut;
    },
    get cancelled() {
      return cancelled;
    },
    cancel(): void {
      if (state !== 'running') return;
      cancelled = true;
      if (timer !== undefined) clearTimeout(timer);
      terminate();
    },
    end(): void {
      state = 'ended';
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
