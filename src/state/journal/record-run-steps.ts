// Per step, how many tasks a run planned and how many it found up to date: up-to-date tasks
// leave no attempt, so without this a report of a past run could not count them.

import type { StateStore } from '../store/open-store.ts';

export interface RunStepCounts {
  readonly step: string;
  /** Order of the step's first task in the plan. */
  readonly position: number;
  readonly tasks: number;
  readonly upToDate: number;
}

/** Writes a run's step counts inside the caller's transaction. */
export function insertRunSteps(store: StateStore, runId: string, steps: readonly RunStepCounts[]): void {
  const insert = store.statement(
    `INSERT OR REPLACE INTO run_steps (run_id, step, position, tasks, up_to_date) VALUES (?, ?, ?, ?, ?)`,
  );
  for (const step of steps) insert.run(runId, step.step, step.position, step.tasks, step.upToDate);
}
