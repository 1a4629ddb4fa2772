import { bug } from '../errors.ts';
import type { Executor } from './executor.ts';

/**
 * The executor of a run that found every task up to date, with a backend whose traits say it
 * need not be made then (`idleWhenAllUpToDate`): the scheduler never submits.
 */
export const IDLE_EXECUTOR: Executor = {
  traits: { name: 'none', printsStdout: false },
  submit: () => bug('a task was submitted in a run that found every task up to date'),
  cancel: () => {},
  shutdown: async () => {},
};
