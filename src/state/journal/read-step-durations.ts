import { medianOf } from '../../kernel/median-of.ts';
import type { StateStore } from '../store/open-store.ts';

// How long a step's tasks took when they last succeeded, for the Slurm executor's packing
// (execute/slurm/choose-packing.ts): the median over the latest successes of the step.

const SAMPLES = 1000;

/** The median wall time in ms of the step's recorded successes (the latest 1,000); undefined when none. */
export function readStepDurationMedian(store: StateStore, step: string): number | undefined {
  const rows = store
    .statement('SELECT duration_ms FROM task_successes WHERE step = ? ORDER BY finished_at DESC LIMIT ?')
    .all(step, SAMPLES) as Array<{ duration_ms: number }>;
  return medianOf(rows.map((row) => Number(row.duration_ms)));
}
