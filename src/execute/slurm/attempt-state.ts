import { bug } from '../../errors.ts';

/**
 * The lifecycle of one attempt on Slurm in the submitting sluice. `waiting`: in a batch (or
 * about to be picked up from an earlier run's job). `submitting`: sbatch is running (back to
 * `waiting` when the cluster's submit limit refused the job for now).
 * `submitted`: its job has an id and is watched (pending or running, as Slurm says); back to
 * `waiting` when its array element ended before the attempt's turn came (it goes out again).
 * `cancelling`: scancel is asked for its job. `ending`: judged; its outcome is being built (a
 * success recorded). `ended`: the scheduler has its outcome.
 */
export type SlurmAttemptState = 'waiting' | 'submitting' | 'submitted' | 'cancelling' | 'ending' | 'ended';

const NEXT: Record<SlurmAttemptState, readonly SlurmAttemptState[]> = {
  // Sent in a batch, or a job of an earlier run picked up; cancelled, or refused, before either.
  waiting: ['submitting', 'submitted', 'ending'],
  // sbatch gave a job id, or failed; or a submit limit refused it for now.
  submitting: ['submitted', 'ending', 'waiting'],
  // Its element ended before it started: sent again.
  submitted: ['cancelling', 'ending', 'waiting'],
  cancelling: ['ending'],
  ending: ['ended'],
  ended: [],
};

/** The one place an attempt on Slurm changes state; an impossible move is a bug. */
export function moveAttempt(attempt: { state: SlurmAttemptState }, to: SlurmAttemptState): void {
  if (!NEXT[attempt.state].includes(to)) bug(`Slurm attempt moved from ${attempt.state} to ${to}`);
  attempt.state = to;
}

/** Judged: what happens to its job no longer matters to it. */
export function isSettled(attempt: { readonly state: SlurmAttemptState }): boolean {
  return attempt.state === 'ending' || attempt.state === 'ended';
}
