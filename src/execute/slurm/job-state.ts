// What Slurm says about one job (or one array task), as squeue and sacct print it.

/** States after which a job never runs again, in the long form squeue -O State and sacct print. */
export const TERMINAL_STATES: ReadonlySet<string> = new Set([
  'COMPLETED',
  'FAILED',
  'CANCELLED',
  'TIMEOUT',
  'OUT_OF_MEMORY',
  'NODE_FAIL',
  'PREEMPTED',
  'BOOT_FAIL',
  'DEADLINE',
  'SPECIAL_EXIT',
  'REVOKED',
]);

export interface JobReport {
  /** `1234` for a plain job, `1234_7` for task 7 of array job 1234. */
  readonly id: string;
  /** Long state name, e.g. `RUNNING`, `OUT_OF_MEMORY`; sacct's `CANCELLED by 0` becomes `CANCELLED`. */
  readonly state: string;
  /** The batch script's exit code, when it exited. */
  readonly exitCode: number | null;
  /** Number of the signal that ended it, when one did (0 is none). */
  readonly signal: number | null;
  /** squeue's reason, e.g. `Resources`, `NonZeroExitCode`; empty when none. */
  readonly reason: string;
}

export function isTerminalState(state: string): boolean {
  return TERMINAL_STATES.has(state);
}
