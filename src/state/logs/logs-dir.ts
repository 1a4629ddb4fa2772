// Where logs go: `.sluice/logs/<run-id>/`, each attempt's standard error and output there as
// `<task>.<attempt>.err` and `.out` (execute/local-executor.ts).

import path from 'node:path';
import { stateDirOf } from '../store/state-dir.ts';

/**
 * `20261125-145012-4242`: UTC start time then pid. Sorts by time as text (UTC, so a daylight
 * saving change cannot reorder runs), and the pid keeps two runs in one second apart.
 */
export function makeRunId(date: Date = new Date(), pid: number = process.pid): string {
  const iso = date.toISOString(); // 2026-11-25T14:50:12.345Z
  const stamp = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
  return `${stamp}-${pid}`;
}

const RUN_ID = /^(\d{8}-\d{6})-(\d+)$/;

export function isRunId(name: string): boolean {
  return RUN_ID.test(name);
}

/** Oldest first: by time, then pid as a number (so pid 99 sorts before pid 100). */
export function compareRunIds(a: string, b: string): number {
  const [, timeA = a, pidA = '0'] = RUN_ID.exec(a) ?? [];
  const [, timeB = b, pidB = '0'] = RUN_ID.exec(b) ?? [];
  if (timeA !== timeB) return timeA < timeB ? -1 : 1;
  return Number(pidA) - Number(pidB);
}

export function logsDirOf(root: string): string {
  return path.join(stateDirOf(root), 'logs');
}

export function runLogDir(root: string, runId: string): string {
  return path.join(logsDirOf(root), runId);
}
