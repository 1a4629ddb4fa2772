import { createRequire } from 'node:module';
import type { RunSummary } from '../schedule/run-events.ts';

// node:perf_hooks (about ten internal modules) loads only when a summary is timed: a quiet
// no-op run prints none and does not load it.
const require = createRequire(import.meta.url);

/**
 * The summary timed from the start of this sluice process, not from the first task: the time a
 * user waited (loading and bundling the pipeline, planning, checking what is up to date) is the
 * run's time. A no-op run confirmed in a millisecond said `0.00 s` after 0.4 s.
 */
export function fromProcessStart<S extends RunSummary>(summary: S): S {
  const { performance } = require('node:perf_hooks') as typeof import('node:perf_hooks');
  return { ...summary, startedAt: Math.min(summary.startedAt, performance.timeOrigin) };
}
