// For `sluice clean`: what the recorded successes of some steps wrote, so that their outputs go
// even when the plan cannot list the tasks now (a step that reads inside a folder not made yet).

import type { StateStore } from '../store/open-store.ts';

/** The outputs of every recorded success of the given steps, as the tasks named them. */
export function readRecordedOutputs(store: StateStore, steps: readonly string[]): string[] {
  const rows = store
    .statement(`SELECT outputs FROM task_successes WHERE step IN (SELECT value FROM json_each(?))`)
    .all(JSON.stringify(steps)) as Array<{ outputs: string }>;
  const outputs: string[] = [];
  for (const row of rows) {
    try {
      const parsed: unknown = JSON.parse(row.outputs);
      if (Array.isArray(parsed)) outputs.push(...parsed.filter((output): output is string => typeof output === 'string' && output !== ''));
    } catch {
      // A damaged row names nothing to remove.
    }
  }
  return outputs;
}

/** The steps that have a recorded success or a failed attempt: what `sluice clean --all` can clean without the pipeline. */
export function readRecordedSteps(store: StateStore): string[] {
  const rows = store
    .statement(`SELECT step FROM task_successes UNION SELECT step FROM task_attempts WHERE state != 'succeeded' ORDER BY step`)
    .all() as Array<{ step: string }>;
  return rows.map((row) => row.step);
}
