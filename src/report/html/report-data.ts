// What an HTML report is made from: a run, its steps and every attempt, whether they come from
// the state database (`sluice report`) or from the run that just ended (`--report`).

import type { AttemptState } from '../../state/journal/record-attempt.ts';
import type { RunStatus } from '../../state/journal/record-run.ts';

export interface ReportRun {
  readonly id: string;
  /** The sluice command line that started the run. */
  readonly command: string;
  readonly status: RunStatus;
  readonly hostname: string;
  /** The folder whose `.sluice/` holds the run. */
  readonly root: string;
  /** Epoch ms. */
  readonly startedAt: number;
  readonly endedAt: number;
}

/** A step as the run planned it; attempts say the rest. */
export interface ReportStep {
  readonly name: string;
  readonly tasks: number;
  readonly upToDate: number;
}

export interface ReportAttempt {
  readonly taskId: number;
  readonly step: string;
  /** Step and wildcards, `bwa_map[sample=A]` (plan/name-task.ts); null in runs recorded before it was kept. */
  readonly name?: string | null;
  /** What names the task beside its step: its (first) output, or its first input without one. */
  readonly target?: string | null;
  /** 1 for the first try. */
  readonly attempt: number;
  /** Whether no later attempt of the task followed. */
  readonly final: boolean;
  readonly state: AttemptState;
  /** Quoted for pasting into sh; null when not recorded. */
  readonly command: string | null;
  readonly error: string | null;
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** Epoch ms; `endedAt` is the run's end for an attempt that never ended. */
  readonly startedAt: number;
  readonly endedAt: number;
  readonly cpuMs: number | null;
  readonly maxRssKb: number | null;
  readonly logPath: string | null;
}

/** A task that failed for good: its last attempt, and the end of its standard error. */
export interface ReportFailure {
  readonly attempt: ReportAttempt;
  readonly attempts: number;
  /** null when the log is gone or unreadable. */
  readonly stderrTail: readonly string[] | null;
}

export interface ReportData {
  readonly run: ReportRun;
  readonly steps: readonly ReportStep[];
  /** In order of start. */
  readonly attempts: readonly ReportAttempt[];
  readonly failures: readonly ReportFailure[];
  /** Epoch ms. */
  readonly generatedAt: number;
}
