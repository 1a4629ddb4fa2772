import type { ExecutorTraits } from '../executor.ts';

/**
 * What the Slurm backend is, as data: tasks run on compute nodes (nothing to warm here), each
 * signed before it is submitted, and the backend is made even when every task is up to date (it
 * cancels the jobs of earlier runs that this run did not need).
 */
export const SLURM_TRAITS: ExecutorTraits = {
  name: 'slurm',
  printsStdout: true,
  runsFunctionsInProcess: false,
  launchesCommandsHere: false,
  signsFunctionsLate: false,
  idleWhenAllUpToDate: false,
};
