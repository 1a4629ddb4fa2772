import { BackendError } from '../../errors.ts';
import type { SbatchRequest } from './build-sbatch-argv.ts';

/** sbatch refused a job for the number of jobs the user may have queued: fewer may go in later. */
export class SubmitLimitError extends BackendError {
  override name = 'SubmitLimitError';
}

/** Whether sbatch's standard error says a submit limit (MaxSubmitJobs) refused the job. */
export function isSubmitLimit(stderr: string): boolean {
  return /MaxSubmitJob|job submit limit/i.test(stderr);
}

/**
 * What a user of sluice can do about a submission the cluster refused for one of its limits,
 * from sbatch's standard error; undefined when sbatch's own words must do. Pure, tested on text.
 */
export function explainSbatchRefusal(stderr: string, request: SbatchRequest): string | undefined {
  const elements = request.arraySize ?? 1;
  const what = elements === 1 ? 'a job' : `an array of ${elements} jobs`;
  if (isSubmitLimit(stderr)) {
    return `the cluster refused ${what}: it would go over the number of jobs you may have queued `
      + '(MaxSubmitJobs of your QOS or association: `sacctmgr show assoc user=$USER`, `sacctmgr show qos`); '
      + 'lower -j, or run more tasks in each job with --tasks-per-job N';
  }
  if (/Invalid job array specification|MaxArraySize/i.test(stderr)) {
    return `the cluster refused ${what}: it is larger than the cluster's MaxArraySize (\`scontrol show config\`); `
      + 'run more tasks in each job with --tasks-per-job N';
  }
  if (/time limit/i.test(stderr) && request.timeLimitMinutes !== undefined) {
    return `the cluster refused ${what} with --time=${request.timeLimitMinutes} (the sum of the timeouts of the tasks each job runs, plus a margin): `
      + 'it is over the time limit of the partition or of your QOS; lower the step\'s timeout, or run fewer tasks in each job with --tasks-per-job N';
  }
  return undefined;
}
