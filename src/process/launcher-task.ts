// One task the fast launcher runs, as its client sees it, and the result its end reply makes.

import type { HoldOptions, LaunchRequest, LaunchResult } from './launch-types.ts';
import { ACKNOWLEDGE, encodeRelease, encodeSignal, type LauncherReply } from './launcher-protocol.ts';
import { Termination, type GroupSignaller } from './track-termination.ts';

/** Where a task's signal requests go: the client's queue of lines to the helper. */
export interface LineSender {
  send(line: string): void;
}

/** The helper's reply that ends a task. */
export type EndReply = Exclude<LauncherReply, { kind: 'ready' | 'started' | 'no ledger' | 'silent' }>;

// Signals go through the helper, by task id, so a process already reaped (whose pid may be
// reused) is never signalled.
export class LauncherTask implements GroupSignaller {
  readonly termination: Termination;
  /** When it started (for a held task, once the helper said so). */
  startedAt = Date.now();
  /** The process group's id once the helper said the task started (it does not while it keeps the ledger); 0 before. */
  pgid = 0;
  /** Its end was a failure to the helper, not yet acknowledged (RunningProcess.acknowledge). */
  unacknowledged = false;
  /** Held, the helper was asked to start it now (`g`): it may have started before its `p` came. */
  released = false;
  private readonly noOutputTimeoutMs: number | undefined;
  resolve!: (result: LaunchResult) => void;
  reject!: (error: Error) => void;
  readonly done = new Promise<LaunchResult>((resolve, reject) => {
    this.resolve = resolve;
    this.reject = reject;
  });

  constructor(
    private readonly client: LineSender,
    private readonly id: number,
    request: LaunchRequest,
    /** Set while the task is held (the helper has not started it). */
    private hold: HoldOptions | undefined,
  ) {
    this.noOutputTimeoutMs = request.noOutputTimeoutMs;
    this.termination = new Termination(this, request, hold !== undefined);
  }

  /** Still held: the helper has not said it started it. */
  get held(): boolean {
    return this.hold !== undefined;
  }

  acknowledge(): void {
    if (!this.unacknowledged) return;
    this.unacknowledged = false;
    this.client.send(ACKNOWLEDGE);
  }

  /** The scheduler has a slot for it: the helper starts it now, if it has not yet. */
  release(): void {
    if (this.hold === undefined || this.termination.state !== 'running') return;
    this.released = true;
    this.client.send(encodeRelease(this.id));
  }

  /** The helper started it (`p`); a held task's timeout counts from now. */
  started(): void {
    const hold = this.hold;
    if (hold === undefined) return;
    this.hold = undefined;
    this.startedAt = Date.now();
    this.termination.begin();
    hold.onStart();
  }

  /** The helper found its files silent for its no-output limit (`q`). */
  silent(): void {
    if (this.noOutputTimeoutMs !== undefined) this.termination.silenced(this.noOutputTimeoutMs);
  }

  signalGroup(signal: 'SIGTERM' | 'SIGKILL'): void {
    this.client.send(encodeSignal(this.id, signal));
  }
}

/** The result of a task from the reply that ended it. */
export function buildLaunchResult(reply: EndReply, task: LauncherTask): LaunchResult {
  const common = {
    timedOut: task.termination.timedOut,
    cancelled: task.termination.cancelled,
    startedAt: task.startedAt,
    endedAt: Date.now(),
  };
  // Timed out only if the time-out's SIGTERM reached it: a task the launcher saw exit before it
  // read that request ended on its own, before its deadline (its end may have been on its way).
  const timedOut = common.timedOut && reply.kind !== 'fail' && reply.kind !== 'dropped' && reply.signalled === true;
  const silentMs = timedOut ? task.termination.silentMs : undefined;
  switch (reply.kind) {
    case 'exit':
      return { pid: reply.pid, exitCode: reply.exitCode, signal: null, ...common, timedOut, silentMs, usage: reply.usage, captureBytes: reply.captureBytes };
    case 'signal':
      return { pid: reply.pid, exitCode: null, signal: reply.signal, ...common, timedOut, silentMs, usage: reply.usage, captureBytes: reply.captureBytes };
    case 'fail':
      return { pid: 0, exitCode: null, signal: null, spawnError: { code: reply.code, message: reply.message }, ...common };
    case 'dropped':
      // Held, then cancelled (or its helper gone first): it never started.
      return { pid: 0, exitCode: null, signal: null, ...common, cancelled: true, neverStarted: true };
  }
}
