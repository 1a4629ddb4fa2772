import type { ExecutorTraits } from './executor.ts';

/**
 * What the local backend is, as data: read before it is loaded (a run that finds every task up to
 * date never loads it), so it lives apart from local-executor.ts.
 */
export const LOCAL_TRAITS: ExecutorTraits = {
  name: 'local',
  printsStdout: true,
  runsFunctionsInProcess: true,
  launchesCommandsHere: true,
  signsFunctionsLate: true,
  idleWhenAllUpToDate: true,
};
