import path from 'node:path';
import type { Command } from 'commander';
import type { Task } from '../kernel/task.ts';
import { formatStatus } from '../report/format-status.ts';
import { openStore } from '../state/store/open-store.ts';
import { readLastAttempts } from '../state/journal/read-last-attempts.ts';
import { makeTaskKey } from '../state/freshness/task-key.ts';
import { surveyPlan } from '../session/survey-plan.ts';
import { findSettledPlanError } from '../plan/unplanned-readers.ts';
import { addPipelineOptions, planFromFlags, type PipelineFlags } from './run-command.ts';

export function defineStatusCommand(program: Command, setExitCode: (code: number) => void): void {
  const command = program
    .command('status')
    .summary('show, per step, what is up to date, out of date, waiting or failed')
    .description(
      'Show, per step, how many tasks are up to date, out of date, waiting (for a failed task ' +
        'upstream) or failed; a step whose tasks come from folders not made yet waits for the step ' +
        'that makes them.\n\n' +
        'Exits 1 when some task would run (as make -q), 0 when every task is up to date, 2 for a ' +
        'pipeline error.',
    )
    .usage('[OPTIONS]');
  addPipelineOptions(command).action(async (flags: PipelineFlags) => {
    const plan = await planFromFlags(flags);
    const root = path.dirname(plan.file);
    const survey = await surveyPlan({ root, tasks: plan.tasks, dependencies: plan.dependencies });
    // A step reading inside folders that are all made, yet unplannable from them, is a plan error.
    const unplanned = findSettledPlanError(plan, (task) => survey.upToDate.has(task.id));
    if (unplanned !== undefined) throw unplanned;
    const store = openStore(root);
    try {
      const last = readLastAttempts(store, plan.tasks.map((task) => makeTaskKey(task)));
      const failed = new Set(
        plan.tasks
          .filter((task) => !survey.upToDate.has(task.id) && ['failed', 'timed out'].includes(last.get(makeTaskKey(task))?.state ?? ''))
          .map((task) => task.id),
      );
      const waiting = findWaitingTasks(plan.tasks, plan.dependencies, survey.upToDate, failed);
      const waitingSteps = new Map([...plan.waiting].filter(([, after]) => !stepsUpToDate(after, plan.tasks, survey.upToDate)));
      process.stdout.write(formatStatus(plan.steps.map((step) => step.name), plan.tasks, survey, { failed, waiting, waitingSteps }));
    } finally {
      store.close();
    }
    setExitCode(plan.tasks.every((task) => survey.upToDate.has(task.id)) ? 0 : 1);
  });
}

// The tasks out of date that a failed task upstream keeps from running (as a run skips them).
function findWaitingTasks(
  tasks: readonly Task[],
  dependencies: ReadonlyMap<number, readonly number[]>,
  upToDate: ReadonlySet<number>,
  failed: ReadonlySet<number>,
): Set<number> {
  const verdicts = new Map<number, boolean>();
  const waits = (id: number): boolean => {
    const known = verdicts.get(id);
    if (known !== undefined) return known;
    verdicts.set(id, false); // the plan has no cycles; this only stops a walk that meets itself
    const verdict = !upToDate.has(id) && !failed.has(id) && (dependencies.get(id) ?? []).some((upstream) => failed.has(upstream) || waits(upstream));
    verdicts.set(id, verdict);
    return verdict;
  };
  return new Set(tasks.filter((task) => waits(task.id)).map((task) => task.id));
}

function stepsUpToDate(steps: readonly string[], tasks: readonly Task[], upToDate: ReadonlySet<number>): boolean {
  return tasks.every((task) => !steps.includes(task.step) || upToDate.has(task.id));
}
