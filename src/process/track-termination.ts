// The timeout / cancel state machine both launchers share, so "SIGTERM, then SIGKILL after the
// grace period, never after the process ended" is written once. A class rather than closures:
// one is made per task, on the hot path.

import { setLongTimeout } from '../kernel/set-long-timeout.ts';

export const DEFAULT_KILL_GRACE_MS = 2000;

export type TerminationState = 'running' | 'terminating' | 'ended';

/** Whoever can signal the task's process group. */
export interface GroupSignaller {
  signalGroup(signal: 'SIGTERM' | 'SIGKILL'): void;
}

export interface TerminationOptions {
  readonly timeoutMs?: number | undefined;
  readonly killGraceMs?: number | undefined;
}


export class Termination {
  state: TerminationState = 'running';
  timedOut = false;
  /** Set when the no-output limit ended it (`silenced`): that limit. */
  silentMs: number | undefined;
  cancelled = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly graceMs: number;

  constructor(
    private readonly target: GroupSignaller,
    private readonly options: TerminationOptions,
    /** Its timeout starts on `begin()`, not at once (a task held until a slot frees). */
    deferred = false,
  ) {
    this.graceMs = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
    if (!deferred) this.begin();
  }

  /** The process started: its timeout counts from now (called by the constructor unless deferred). */
  begin(): void {
    if (this.state !== 'running' || this.timer !== undefined) return;
    const timeoutMs = this.options.timeoutMs;
    if (timeoutMs !== undefined && Number.isFinite(timeoutMs)) {
      this.timer = setLongTimeout(() => {
        this.timer = undefined;
        this.timedOut = true;
        this.terminate();
      }, Math.max(0, timeoutMs));
    }
  }

  /** It wrote nothing for its no-output limit: ended as at a timeout, unless already ending. */
  silenced(limitMs: number): void {
    if (this.state !== 'running') return;
    this.timedOut = true;
    this.silentMs = limitMs;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.terminate();
  }

  /** Idempotent; a no-op once the process ended or is already being terminated. */
  cancel(): void {
    if (this.state !== 'running') return;
    this.cancelled = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.terminate();
  }

  /** The process ended: clears every timer; later cancel() calls do nothing. */
  end(): void {
    this.state = 'ended';
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private terminate(): void {
    this.state = 'terminating';
    this.target.signalGroup('SIGTERM');
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.state === 'terminating') this.target.signalGroup('SIGKILL');
    }, this.graceMs);
  }
}
