import { performance } from 'node:perf_hooks';
import type { RunSummary } from '../schedule/run-events.ts';

/**
 * The summary timed from the start of this sluice process, not from the first task: the time a
 * user waited (loading and bundling the pipeline, planning, checking what is up to date) is the
 * run's time. A no-op run confirmed in a millisecond said `0.00 s` after 0.4 s.
 */
export function fromProcessStart<S extends RunSummary>(summary: S): S {
  return { ...summary, startedAt: Math.min(summary.startedAt, performance.timeOrigin) };
}
