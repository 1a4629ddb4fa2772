import os from 'node:os';
import { describeAttemptEnd } from '../../kernel/describe-attempt-end.ts';
import type { AttemptStatus } from '../executor.ts';
import { isTerminalState, type JobReport } from './job-state.ts';
import type { Marker } from './task-files.ts';

// How an attempt on Slurm ended, from the two witnesses: the marker sluice writes on the node
// (what the task did) and the job's state (what Slurm did to the job). Pure, so every case is
// tested on text.

/** What is known about one submitted attempt at one moment. */
export interface Evidence {
  readonly marker?: Marker | undefined;
  /** The last state Slurm reported, kept after the job left the controller's memory. */
  readonly report?: JobReport | undefined;
  /** When sluice asked Slurm to cancel the job. */
  readonly cancelRequestedAt?: number | undefined;
  /** When the job was first seen in a final state while there was no marker. */
  readonly endedWithoutMarkerSince?: number | undefined;
  /** When the job was first missing from squeue and sacct, with no marker. */
  readonly missingSince?: number | undefined;
  /** When the marker was first seen (for markers of a job Slurm signalled). */
  readonly markerSeenAt?: number | undefined;
  /** Its array element stopped before the attempt's turn came (find-unstarted.ts). */
  readonly notStarted?: boolean | undefined;
  /** Times the attempt was sent again after its element ended before it started. */
  readonly requeues?: number | undefined;
}

export interface JudgeLimits {
  /** How long a job may be over before its marker shows up (shared file systems lag). */
  readonly markerGraceMs: number;
  /** How long a job may be missing from every answer before it is lost. */
  readonly lostGraceMs: number;
  /** How long a cancel may go unconfirmed. */
  readonly cancelGraceMs: number;
  /** How many times an attempt its element never started is sent again (then it is reported). */
  readonly maxRequeues?: number | undefined;
}

export type Verdict =
  /** `requeue`: the attempt never started (its element ended first): send it again. */
  | { readonly done: false; readonly requeue?: true }
  | {
      readonly done: true;
      readonly status: AttemptStatus;
      readonly exitCode: number | null;
      readonly signal: NodeJS.Signals | null;
      /** Why, for anything but success; starts with the reason. */
      readonly reason?: string | undefined;
      /** The outcome comes from the marker (logs and times are the node's). */
      readonly fromMarker: boolean;
    };

const WAIT: Verdict = { done: false };

export function judgeAttempt(evidence: Evidence, limits: JudgeLimits, now: number): Verdict {
  const { marker, report } = evidence;
  const ended = report !== undefined && isTerminalState(report.state);
  if (marker?.status === 'succeeded') return fromMarker(marker);
  if (evidence.cancelRequestedAt !== undefined) {
    if (marker !== undefined || ended) return { done: true, status: 'cancelled', exitCode: null, signal: null, fromMarker: marker !== undefined };
    if (evidence.missingSince !== undefined || now - evidence.cancelRequestedAt >= limits.cancelGraceMs) {
      const reason = evidence.missingSince !== undefined ? undefined : 'Slurm did not confirm the cancel in time; the job may still be in the queue';
      return { done: true, status: 'cancelled', exitCode: null, signal: null, reason, fromMarker: false };
    }
    return WAIT;
  }
  if (marker !== undefined && marker.signalledBySlurm !== true) return fromMarker(marker);
  if (marker !== undefined) {
    // Sluice on the node stopped the task because Slurm signalled the job: the job state says why.
    if (ended) return fromState(report, marker);
    if (now - (evidence.markerSeenAt ?? now) < limits.lostGraceMs) return WAIT;
    return { done: true, status: 'failed', exitCode: null, signal: marker.signal, reason: 'the job was ended by a signal from Slurm', fromMarker: true };
  }
  if (ended) {
    if (now - (evidence.endedWithoutMarkerSince ?? now) < limits.markerGraceMs) return WAIT;
    if (evidence.notStarted === true) return notStarted(report, evidence.requeues ?? 0, limits.maxRequeues ?? 0);
    return fromState(report, undefined);
  }
  if (report !== undefined && evidence.missingSince === undefined) return WAIT;
  if (evidence.missingSince !== undefined && now - evidence.missingSince >= limits.lostGraceMs) {
    return {
      done: true,
      status: 'failed',
      exitCode: null,
      signal: null,
      reason: `lost: the job is gone from Slurm's queue${report === undefined ? '' : ` (last seen ${report.state})`} and left no exit-status file`,
      fromMarker: false,
    };
  }
  return WAIT;
}

// A task of a packed element that Slurm ended before its turn did nothing: it goes out again,
// unless a user cancelled the element (or it keeps happening); then it is reported as not started.
function notStarted(report: JobReport, requeues: number, maxRequeues: number): Verdict {
  if (report.state !== 'CANCELLED' && requeues < maxRequeues) return { done: false, requeue: true };
  const ended = fromState(report, undefined);
  if (!ended.done) return ended;
  const why = report.state === 'CANCELLED' ? 'its array element was cancelled outside sluice (scancel by a user or an administrator)'
    : `its array element ended (${report.state}) before this task's turn${requeues > 0 ? `, ${requeues + 1} times` : ''}`;
  return { ...ended, status: 'failed', exitCode: null, signal: null, reason: `not started: ${why}` };
}

function fromMarker(marker: Marker): Verdict {
  return { done: true, status: marker.status, exitCode: marker.exitCode, signal: marker.signal, reason: marker.error, fromMarker: true };
}

/** The outcome of a job that Slurm ended (or that ended without a word from sluice on the node). */
function fromState(report: JobReport, marker: Marker | undefined): Verdict {
  const signal = report.signal !== null && report.signal > 0 ? signalName(report.signal) : null;
  const exitCode = report.exitCode;
  const base = { done: true as const, fromMarker: marker !== undefined, exitCode: marker?.exitCode ?? null, signal: marker?.signal ?? signal };
  switch (report.state) {
    case 'TIMEOUT':
      return { ...base, status: 'timed out', reason: 'the job reached its Slurm time limit (--time)' };
    case 'OUT_OF_MEMORY':
      return { ...base, status: 'failed', reason: 'out of memory: Slurm ended the job at its memory limit (--mem)' };
    case 'CANCELLED':
      return { ...base, status: 'failed', reason: 'cancelled outside sluice (scancel by a user or an administrator)' };
    case 'NODE_FAIL':
      return { ...base, status: 'failed', reason: 'node failure: the node running the job stopped answering' };
    case 'BOOT_FAIL':
      return { ...base, status: 'failed', reason: 'boot failure: the node for the job did not start' };
    case 'PREEMPTED':
      return { ...base, status: 'failed', reason: 'preempted: Slurm took the job\'s resources for another job' };
    case 'DEADLINE':
      return { ...base, status: 'failed', reason: 'deadline: the job could not end before its --deadline' };
    case 'COMPLETED':
      return { ...base, status: 'failed', reason: 'the job completed but sluice on the node wrote no exit-status file' };
    default: {
      const how = describeAttemptEnd({ exitCode, signal });
      return {
        ...base,
        exitCode: marker?.exitCode ?? (signal === null ? exitCode : null),
        status: 'failed',
        reason: `sluice on the node did not finish (job ${report.state}, ${how}); see the job's output`,
      };
    }
  }
}

function signalName(number: number): NodeJS.Signals | null {
  for (const [name, value] of Object.entries(os.constants.signals)) if (value === number) return name as NodeJS.Signals;
  return null;
}
