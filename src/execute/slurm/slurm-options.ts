import type { SlurmStepOptions } from '../../plan/define-pipeline.ts';

/** Every default of the Slurm executor, in one place. */
export const SLURM_DEFAULTS = {
  /** `-j` with `--executor slurm`: tasks queued or running on the cluster at once. */
  jobs: 1000,
  /** Ready tasks of one step and shape that arrive within this window go out as one array. */
  batchWindowMs: 100,
  /** Polling starts this often after a change, and slows down by half each quiet cycle… */
  pollMinMs: 500,
  /** … to at most this. */
  pollMaxMs: 10_000,
  /** Limit on every call of sbatch, squeue, sacct, scancel. */
  commandTimeoutMs: 30_000,
  /** A submission the cluster's submit limit (MaxSubmitJobs) refused tries again after this long. */
  submitLimitWaitMs: 15_000,
  /** Extra tries of a submission that failed with a transient error. */
  submitRetries: 3,
  /** A finished job's marker may show up this late on a shared file system. */
  markerGraceMs: 10_000,
  /** A job gone from squeue and sacct without a marker is lost after this long. */
  lostGraceMs: 60_000,
  /** An unconfirmed cancel counts as done after this long. */
  cancelGraceMs: 30_000,
  /**
   * Times a task of a packed element that Slurm ended before the task's turn (time limit,
   * preemption, node failure) is sent again before it is reported as not started.
   */
  maxRequeues: 3,
  /** Minutes of --time beyond the task's own limit, so sluice on the node ends it and reports. */
  timeMarginMinutes: 1,
  /** Used when the cluster does not say its MaxArraySize. */
  maxArraySize: 1000,
  /** Work an array element should do, about, when sluice packs short tasks (pack-tasks.ts). */
  packTargetMs: 30_000,
  /** How often tasks held back for a probe look at it. */
  packTickMs: 250,
  /** Tasks the cluster runs at once, when sinfo does not say. */
  slotsWhenUnknown: 100,
  /** Run folders under `.sluice/slurm/` kept, newest first (as for logs). */
  keepRuns: 20,
} as const;

/**
 * The command line's and a step's options together: the step's partition, account and tasksPerJob
 * win. tasksPerJob undefined: sluice packs (pack-tasks.ts).
 */
export function mergeSlurmOptions(global: SlurmStepOptions | undefined, step: SlurmStepOptions | undefined): SlurmStepOptions {
  return {
    partition: step?.partition ?? global?.partition,
    account: step?.account ?? global?.account,
    args: [...(global?.args ?? []), ...(step?.args ?? [])],
    tasksPerJob: step?.tasksPerJob ?? global?.tasksPerJob,
  };
}
