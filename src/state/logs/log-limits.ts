// How much `.sluice/logs/` keeps. Without bounds one task that printed 1 GB kept 1 GB per run,
// and every run kept two files per task attempt even when the task printed nothing.

import { PlanError } from '../../errors.ts';

export interface LogLimits {
  /**
   * Bytes kept of one captured stream (standard output or error) of one task attempt. A stream
   * that wrote more keeps its first and last halves, with a line in between saying how much was
   * cut. Environment: `SLUICE_LOG_CAP` (a size: `4096`, `512K`, `10M`, `1G`).
   */
  readonly streamBytes: number;
  /** Runs whose logs and history are kept, newest first. Environment: `SLUICE_LOG_RUNS`. */
  readonly runs: number;
  /**
   * Bytes of logs kept over all runs: the oldest runs past it go, as runs past `runs` do (the
   * run that prunes always stays). Environment: `SLUICE_LOG_BYTES` (a size, as above).
   */
  readonly totalBytes: number;
}

/** The defaults, each changed by its environment variable (see `readLogLimits`). */
export const LOG_LIMITS: LogLimits = {
  streamBytes: 10 * 1024 * 1024,
  runs: 20,
  totalBytes: 1024 * 1024 * 1024,
};

/** The limits for this process: the defaults, with what the environment sets. */
export function readLogLimits(env: Readonly<Record<string, string | undefined>> = process.env): LogLimits {
  return {
    streamBytes: readSize(env, 'SLUICE_LOG_CAP', LOG_LIMITS.streamBytes),
    runs: readCount(env, 'SLUICE_LOG_RUNS', LOG_LIMITS.runs),
    totalBytes: readSize(env, 'SLUICE_LOG_BYTES', LOG_LIMITS.totalBytes),
  };
}

const UNITS: Readonly<Record<string, number>> = { '': 1, B: 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

function readSize(env: Readonly<Record<string, string | undefined>>, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text.trim() === '') return fallback;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([BKMGT]?)i?B?\s*$/i.exec(text);
  const bytes = match === null ? NaN : Math.floor(Number(match[1]) * (UNITS[(match[2] ?? '').toUpperCase()] ?? NaN));
  if (!Number.isSafeInteger(bytes) || bytes < 1) {
    throw new PlanError(`Expected \`${name}\` to be a size in bytes such as 4096, 512K, 10M or 1G, got \`${text}\``);
  }
  return bytes;
}

function readCount(env: Readonly<Record<string, string | undefined>>, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text.trim() === '') return fallback;
  const value = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < 1) throw new PlanError(`Expected \`${name}\` to be a positive integer, got \`${text}\``);
  return value;
}
