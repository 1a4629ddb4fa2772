// The line protocol between sluice and libexec/sluice-launcher.py (documented at the top of
// that script). Requests are JSON after an op letter; replies are space-separated fields,
// which are cheap to produce in Python and to split in Node.
import { constants } from 'node:os';
import type { TaskUsage } from '../kernel/task-usage.ts';
import type { LaunchRequest, LaunchResult } from './launch-types.ts';

export type LauncherReply =
  /** `ledger`: the helper keeps the ledger of groups it was asked to (launch-types.ts, GroupWatcher). */
  | { readonly kind: 'ready'; readonly pid: number; readonly ledger: boolean }
  /** The helper could not write its ledger: from now on sluice records the groups. */
  | { readonly kind: 'no ledger' }
  /** `start`: the leader's start time in clock ticks since boot, where the system tells it. */
  | { readonly kind: 'started'; readonly id: number; readonly pid: number; readonly start: string | undefined }
  /** `missingOutputs`: it exited 0 without an output of its request: a failure to the helper. */
  /** `signalled`: a signal request of sluice's (`t`, `k`) reached it while it ran; absent, it ended on its own first. */
  | { readonly kind: 'exit'; readonly id: number; readonly pid: number; readonly exitCode: number; readonly usage?: TaskUsage; readonly captureBytes?: CaptureBytes; readonly missingOutputs?: boolean; readonly signalled?: boolean }
  | { readonly kind: 'signal'; readonly id: number; readonly pid: number; readonly signal: NodeJS.Signals; readonly usage?: TaskUsage; readonly captureBytes?: CaptureBytes; readonly signalled?: boolean }
  | { readonly kind: 'fail'; readonly id: number; readonly code: string; readonly message: string }
  /** A held task was dropped before it started (cancelled). */
  | { readonly kind: 'dropped'; readonly id: number }
  /** Its files were silent for its no-output limit: sluice ends it as at a timeout. */
  | { readonly kind: 'silent'; readonly id: number };

type CaptureBytes = NonNullable<LaunchResult['captureBytes']>;

export interface LauncherOptionsMessage {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly graceMs?: number;
}

export function encodeOptions(options: LauncherOptionsMessage): string {
  return `e ${JSON.stringify(options)}\n`;
}

/** `request` must already be resolved (absolute paths). `held`: start it only in place of one that ends, or on encodeRelease. */
export function encodeStart(id: number, request: LaunchRequest, held = false): string {
  const fields: unknown[] = [
    id,
    request.argv,
    request.cwd,
    request.env ?? null,
    request.stdinPath ?? null,
    request.stdoutPath,
    request.stderrPath,
  ];
  const drop = (request.captures?.stdout === true ? 1 : 0) | (request.captures?.stderr === true ? 2 : 0);
  const outputs = request.outputs !== undefined && request.outputs.length > 0 ? request.outputs : undefined;
  const quiet = request.noOutputTimeoutMs === undefined ? undefined : [request.noOutputTimeoutMs, request.watchFiles ?? []];
  if (drop !== 0 || outputs !== undefined || quiet !== undefined) fields.push(drop);
  if (outputs !== undefined || quiet !== undefined) fields.push(outputs ?? null);
  if (quiet !== undefined) fields.push(quiet);
  return `${held ? 'h' : 's'} ${JSON.stringify(fields)}\n`;
}

/** The caller acted on one failure more (launch-types.ts, RunningProcess.acknowledge). */
export const ACKNOWLEDGE = 'o\n';

/** A held task may start now. */
export function encodeRelease(id: number): string {
  return `g ${id}\n`;
}

export function encodeSignal(id: number, signal: 'SIGTERM' | 'SIGKILL'): string {
  return `${signal === 'SIGTERM' ? 't' : 'k'} ${id}\n`;
}

/** Returns undefined for a line that is not a reply (never sent by a correct launcher). */
export function parseReply(line: string): LauncherReply | undefined {
  const op = line[0];
  const first = line.indexOf(' ', 2);
  const id = Number(line.slice(2, first === -1 ? undefined : first));
  if (op === 'r') return { kind: 'ready', pid: id, ledger: first !== -1 && line.slice(first + 1) === 'ledger' };
  if (op === 'n') return line === 'n' ? { kind: 'no ledger' } : undefined;
  if (op === 'q') return first === -1 && line.length > 2 && line[1] === ' ' && Number.isInteger(id) ? { kind: 'silent', id } : undefined;
  if (op === 'c') return first === -1 && line.length > 2 && line[1] === ' ' && Number.isInteger(id) ? { kind: 'dropped', id } : undefined;
  if (first === -1 || !Number.isInteger(id)) return undefined;
  if (op === 'f') {
    const second = line.indexOf(' ', first + 1);
    if (second === -1) return undefined;
    return { kind: 'fail', id, code: line.slice(first + 1, second), message: line.slice(second + 1) };
  }
  const second = line.indexOf(' ', first + 1);
  const pid = Number(line.slice(first + 1, second));
  if (op === 'p') {
    const start = line.slice(second + 1);
    if (second === -1 || !Number.isInteger(pid) || !/^(?:\d+|-)$/.test(start)) return undefined;
    return { kind: 'started', id, pid, start: start === '-' ? undefined : start };
  }
  // The status, then optionally user and system CPU microseconds and peak RSS in KiB, then
  // optionally the sizes of the stdout and stderr captures (-1: not looked at), then optionally
  // flags: 1 when an output the request named is missing, 2 when a signal request reached it.
  // One of these per task: plain loops, no closures.
  if (second === -1 || !Number.isInteger(pid) || (op !== 'x' && op !== 'k')) return undefined;
  const fields = line.slice(second + 1).split(' ');
  const count = fields.length - 1;
  if (count !== 0 && count !== 3 && count !== 5 && count !== 6) return undefined;
  const numbers: number[] = [];
  for (let index = 0; index < fields.length; index++) {
    const n = Number(fields[index]);
    // The status and the usage are never negative; a capture's size is -1 when not looked at.
    if (!Number.isInteger(n) || n < (index === 0 ? -Infinity : index <= 3 ? 0 : -1) || (index === 6 && (n < 1 || n > 3)) || fields[index] === '') return undefined;
    numbers.push(n);
  }
  const value = numbers[0] as number;
  const usage = count === 0 ? undefined : { cpuUserUs: numbers[1] as number, cpuSystemUs: numbers[2] as number, maxRssKb: numbers[3] as number };
  const captureBytes = count >= 5 ? { stdout: numbers[4] as number, stderr: numbers[5] as number } : undefined;
  const reply = op === 'x'
    ? ({ kind: 'exit', id, pid, exitCode: value } as { kind: 'exit'; id: number; pid: number; exitCode: number; usage?: TaskUsage; captureBytes?: CaptureBytes; missingOutputs?: boolean; signalled?: boolean })
    : ({ kind: 'signal', id, pid, signal: nameSignal(value) } as { kind: 'signal'; id: number; pid: number; signal: NodeJS.Signals; usage?: TaskUsage; captureBytes?: CaptureBytes; signalled?: boolean });
  if (usage !== undefined) reply.usage = usage;
  if (captureBytes !== undefined) reply.captureBytes = captureBytes;
  const flags = count === 6 ? (numbers[6] as number) : 0;
  if ((flags & 1) !== 0 && reply.kind === 'exit') reply.missingOutputs = true;
  if ((flags & 2) !== 0) reply.signalled = true;
  return reply;
}

const signalNames = new Map<number, NodeJS.Signals>();
for (const [name, number] of Object.entries(constants.signals)) {
  // First name wins: SIGABRT rather than its alias SIGIOT, as Node reports it.
  if (!signalNames.has(number)) signalNames.set(number, name as NodeJS.Signals);
}

// Names a signal number the way Node's 'exit' event does; unknown numbers are a bug upstream.
export function nameSignal(signal: number): NodeJS.Signals {
  return signalNames.get(signal) ?? (`SIG${signal}` as NodeJS.Signals);
}
