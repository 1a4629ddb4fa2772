import os from 'node:os';

/** Every default of the command line, in one place. */
export const DEFAULTS = {
  /** `-j`: one slot per core. */
  jobs: os.availableParallelism(),
  /** `--retries`: extra attempts after a failure. */
  retries: 0,
  /** SIGTERM → SIGKILL grace period after a timeout or Ctrl-C. */
  killGraceMs: 2000,
  /** Lines of standard error shown in a failure report. */
  stderrTailLines: 10,
  /** `sluice report -o`: where the HTML report goes. */
  reportFile: 'report.html',
  /** Lines of standard error shown per failure in the HTML report. */
  reportStderrTailLines: 20,
  /** Folder of state and logs, beside the pipeline or in the current folder for `map`. */
  stateDir: '.sluice',
} as const;
