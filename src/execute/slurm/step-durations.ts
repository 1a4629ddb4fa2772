import { medianOf } from '../../kernel/median-of.ts';

// What the Slurm executor knows of how long a step's tasks take: the wall times of the attempts
// that ended in this run (from their markers), else the median the state recorded for the step's
// earlier successes.

export interface StepDurations {
  /** The expected wall time of one task of `step`, in ms; undefined when nothing is known. */
  estimate(step: string): number | undefined;
  /** Where the estimate comes from, for the debug log. */
  sourceOf(step: string): 'this run' | 'earlier runs' | undefined;
  /** One attempt of `step` ran this long. */
  learn(step: string, ms: number): void;
}

/** `recorded`: the median duration of the step's recorded successes, read once per step. */
export function createStepDurations(recorded: ((step: string) => number | undefined) | undefined): StepDurations {
  const learned = new Map<string, number[]>();
  const seen = new Map<string, number>();
  const fromState = new Map<string, number | undefined>();
  const readRecorded = (step: string): number | undefined => {
    if (!fromState.has(step)) fromState.set(step, recorded?.(step));
    return fromState.get(step);
  };
  return {
    estimate(step) {
      return medianOf(learned.get(step) ?? []) ?? readRecorded(step);
    },
    sourceOf(step) {
      if ((learned.get(step) ?? []).length > 0) return 'this run';
      return readRecorded(step) === undefined ? undefined : 'earlier runs';
    },
    learn(step, ms) {
      if (!Number.isFinite(ms) || ms < 0) return;
      let samples = learned.get(step);
      if (samples === undefined) learned.set(step, (samples = []));
      // The latest 1,000 samples are enough for a median, and keep a step of a million tasks small.
      const count = seen.get(step) ?? 0;
      seen.set(step, count + 1);
      samples[count % 1000] = ms;
    },
  };
}
