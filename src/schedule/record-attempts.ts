import { classifyFault } from '../classify-fault.ts';
import type { Journal } from '../state/journal/journal.ts';
import type { RunStepCounts } from '../state/journal/record-run-steps.ts';
import type { RunListener } from './run-events.ts';

/**
 * Tells the journal every ended attempt, for `status` and reports (it writes them in batches),
 * and once the run has ended, the per-step task counts.
 */
export function createAttemptRecorder(journal: Journal, dbPath: string): RunListener {
  const steps = new Map<string, { position: number; tasks: number; upToDate: number }>();
  return {
    onRunStarted(tasks, settled) {
      // Every step of the plan, in its order, when the run was given only some of its tasks.
      for (const [step, count] of settled?.steps ?? []) steps.set(step, { position: steps.size, tasks: count, upToDate: count });
      for (const task of tasks) {
        const counts = steps.get(task.step);
        if (counts === undefined) steps.set(task.step, { position: steps.size, tasks: 1, upToDate: 0 });
        else counts.tasks++;
      }
    },
    onTaskUpToDate(task) {
      const counts = steps.get(task.step);
      if (counts !== undefined) counts.upToDate++;
    },
    onTaskEnded(task, attempt, outcome) {
      try {
        journal.endAttempt(task, attempt, outcome);
      } catch (error) {
        // A full disk or a damaged database: an EnvironmentError stops the run (run-tasks.ts).
        throw classifyFault(error, { dbPath }) ?? error;
      }
    },
    onRunEnded() {
      if (steps.size > 0) journal.countSteps([...steps].map(([step, counts]): RunStepCounts => ({ step, ...counts })));
    },
  };
}
