// A step's time limits: `timeout` (wall clock) and `noOutputTimeout` (silence), each the step's
// own or else the run's default (`--timeout`, `--no-output-timeout`). Only a command task's
// output is watched (its standard output, standard error and `log` files, which the launcher
// looks at): a function step runs on a worker thread whose console has no such stream, so its
// own `noOutputTimeout` is a plan error and the run's default does not apply to it.
import { PlanError, placePlanError } from '../errors.ts';
import type { Step } from './define-pipeline.ts';
import { parseDurationText } from './parse-duration.ts';

export interface TimeLimits {
  readonly timeoutMs: number | undefined;
  readonly noOutputTimeoutMs: number | undefined;
}

/** The run's limits for steps that set none. */
export interface TimeLimitDefaults {
  readonly timeoutMs?: number | undefined;
  readonly noOutputTimeoutMs?: number | undefined;
}

export function readTimeLimits(spec: Step, defaults: TimeLimitDefaults, step: string, file: string): TimeLimits {
  const where = (field: string): string => `\`${field}\` of step \`${step}\` in ${file}`;
  const timeoutMs = spec.timeout === undefined ? defaults.timeoutMs : readDuration('timeout', spec.timeout, where);
  const isFunction = typeof spec.run === 'function';
  if (spec.noOutputTimeout === undefined) return { timeoutMs, noOutputTimeoutMs: isFunction ? undefined : defaults.noOutputTimeoutMs };
  const noOutputTimeoutMs = readDuration('noOutputTimeout', spec.noOutputTimeout, where);
  if (isFunction) {
    throw new PlanError(
      `Expected ${where('noOutputTimeout')} to be left out: a function step has no standard output or error of a process to watch (give it a \`timeout\`, or run the program with cmd() or sh())`,
      { file, step, field: 'noOutputTimeout' },
    );
  }
  return { timeoutMs, noOutputTimeoutMs };
}

function readDuration(field: string, value: string | number, where: (field: string) => string): number {
  try {
    return parseDurationText(value, where(field));
  } catch (error) {
    throw placePlanError(error, { field });
  }
}
