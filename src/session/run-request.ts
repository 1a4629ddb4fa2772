// What the CLI asks of a run, and what it gets back: the session's contract.

import type { BackendChoice } from '../execute/create-executor.ts';
import type { EarlyLauncher } from '../execute/early-launcher.ts';
import type { FunctionRunner } from '../execute/worker/function-runner.ts';
import type { Task } from '../kernel/task.ts';
import type { RunListener, RunSummary } from '../schedule/run-events.ts';
import type { Survey } from '../schedule/up-to-date-gate.ts';
import type { SnapshotRequest } from '../state/freshness/up-to-date-snapshot.ts';
import type { UnchangedFiles } from '../state/freshness/unchanged-files.ts';
import type { NarrowedPlan } from '../state/freshness/narrow-kept-plan.ts';

export interface PlannedRun {
  /** The folder whose `.sluice/` holds state and logs (the pipeline's folder, or cwd for `map`). */
  readonly root: string;
  readonly tasks: readonly Task[];
  readonly dependencies?: ReadonlyMap<number, readonly number[]>;
  /** Task id → the folder-output tasks whose folders it reads (PipelinePlan's `folderLinks`). */
  readonly folderLinks?: ReadonlyMap<number, readonly number[]>;
  readonly forcedSteps?: ReadonlySet<string>;
  /** Keys of tasks that ran in an earlier round of this run (directory()): not forced again. */
  readonly unforced?: ReadonlySet<string>;
  /** Tasks named by the run's targets: their deleted temporary outputs are remade, and kept. */
  readonly targets?: ReadonlySet<number>;
  /** Given: should every task be up to date, leave a snapshot for the next run to confirm. */
  readonly snapshot?: SnapshotRequest | undefined;
  /** The files the last run's snapshot still vouches for (unchanged-files.ts). */
  readonly unchanged?: UnchangedFiles | undefined;
  /**
   * Given when `tasks` are a kept plan's narrowed to those an edit touches: the others are
   * settled while `unchanged` holds; else the run takes the whole plan.
   */
  readonly narrowed?: Pick<NarrowedPlan, 'settled' | 'whole' | 'vouch'> | undefined;
}

export interface RunRequest extends PlannedRun {
  readonly jobs: number;
  readonly keepGoing: boolean;
  /** Aborted on Ctrl-C: running tasks are cancelled, the run ends interrupted and is closed. */
  readonly signal?: AbortSignal;
  /** Shown to a second sluice refused by the lock, and kept with the run. */
  readonly command: string;
  readonly listeners?: readonly RunListener[];
  readonly killGraceMs?: number;
  readonly stderrTailLines?: number;
  /**
   * A listener prints each task's standard output from its capture and bounds the capture then
   * (report/print-task-output.ts): the executor leaves those captures whole.
   */
  readonly stdoutPrinted?: boolean;
  /** Which backend runs the tasks; default: local processes and worker threads. */
  readonly backend?: BackendChoice | undefined;
  /** Told about the survey before any task starts (e.g. to print "nothing to do"). */
  readonly onSurvey?: (survey: Survey) => void;
  /**
   * Worker threads for function steps that the caller started early (a first run, while it was
   * planned), with `jobs` threads: used instead of new ones, and closed with the run.
   */
  readonly functionRunner?: Promise<FunctionRunner> | undefined;
  /** The launcher the caller started early: adopted once the session is open, and closed with the run. */
  readonly launcher?: EarlyLauncher | undefined;
}

export interface RunResult extends RunSummary {
  readonly runId: string;
  readonly survey: Survey;
  /** Tasks left for the next plan: they read a folder output this run made (directory()). */
  readonly deferred: number;
  /** Tasks of this run that made a folder output. */
  readonly madeFolders: number;
  /** Keys of the tasks this round judged out of date and did not defer: what it ran, or tried to. */
  readonly ranKeys: readonly string[];
}
