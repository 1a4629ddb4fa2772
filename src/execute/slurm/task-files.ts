// The files that carry a task to a compute node and its outcome back, on the shared file system:
// `.sluice/slurm/<run>/<task>.<attempt>.json` (the task), `… .exit.json` (the marker the node
// writes when the attempt ends), `… .cancel` (sluice cancels that one task of a packed element), `batch-<n>.json` (which task file each array index runs) and
// `job-<jobid>.out` (the job's own output: sluice's messages on the node).
import fs from 'node:fs';
import path from 'node:path';
import type { Task } from '../../kernel/task.ts';
import type { AttemptOutcome } from '../executor.ts';

export const TASK_FILE_VERSION = 1;

/** Everything the node needs to run one attempt as the local executor would. */
export interface TaskFile {
  readonly version: number;
  readonly runId: string;
  /** Where the attempt's stderr (and stdout) logs go: the run's log folder. */
  readonly logDir: string;
  readonly attempt: number;
  readonly task: Task;
  readonly killGraceMs?: number | undefined;
  readonly stderrTailLines?: number | undefined;
  /** Bytes kept of each captured stream (state/logs/log-limits.ts). */
  readonly streamCapBytes?: number | undefined;
  /** Standard output is printed by the submitting sluice, which bounds it then. */
  readonly stdoutPrinted?: boolean | undefined;
}

/** What the node reports: the local executor's outcome of the attempt. */
export type Marker = Omit<AttemptOutcome, 'argv' | 'job'> & {
  /** The node ended the attempt because Slurm signalled it (scancel, time limit, preemption). */
  readonly signalledBySlurm?: boolean | undefined;
  readonly host?: string | undefined;
};

export function taskFileName(taskId: number, attempt: number): string {
  return `${taskId}.${attempt}.json`;
}

/** The marker that belongs to a task file. */
export function markerPathOf(taskFile: string): string {
  return taskFile.replace(/\.json$/, '.exit.json');
}

/**
 * The file the submitting sluice writes to cancel one task of a packed array element without
 * ending its pack-mates: the node skips the task, or stops it if it runs.
 */
export function cancelPathOf(taskFile: string): string {
  return taskFile.replace(/\.json$/, '.cancel');
}

/** The job's output file, as Slurm names it from `--output=<dir>/job-%j.out` or `job-%A_%a.out`. */
export function jobOutputPath(dir: string, jobId: string): string {
  return path.join(dir, `job-${jobId}.out`);
}

export function readJsonFile<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}
