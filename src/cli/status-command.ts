import path from 'node:path';
import type { Command } from 'commander';
import { formatStatus } from '../report/format-status.ts';
import { openStore } from '../state/store/open-store.ts';
import { readLastAttempts } from '../state/journal/read-last-attempts.ts';
import { makeTaskKey } from '../state/freshness/task-key.ts';
import { surveyPlan } from '../session/survey-plan.ts';
import { addPipelineOptions, planFromFlags, type PipelineFlags } from './run-command.ts';

export function defineStatusCommand(program: Command, setExitCode: (code: number) => void): void {
  const command = program
    .command('status')
    .summary('show, per step, what is up to date, out of date or failed')
    .description(
      'Show, per step, how many tasks are up to date, out of date or failed. Exits 0 when every\n' +
        'task is up to date, 1 when some task would run (as make -q), 2 for a pipeline error.',
    )
    .usage('[OPTIONS]');
  addPipelineOptions(command).action(async (flags: PipelineFlags) => {
    const plan = await planFromFlags(flags);
    const root = path.dirname(plan.file);
    const survey = await surveyPlan({ root, tasks: plan.tasks, dependencies: plan.dependencies });
    const store = openStore(root);
    try {
      const last = readLastAttempts(store, plan.tasks.map((task) => makeTaskKey(task)));
      const failed = new Set(
        plan.tasks.filter((task) => ['failed', 'timed out'].includes(last.get(makeTaskKey(task))?.state ?? '')).map((task) => task.id),
      );
      process.stdout.write(formatStatus(plan.steps.map((step) => step.name), plan.tasks, survey, failed));
    } finally {
      store.close();
    }
    setExitCode(plan.tasks.every((task) => survey.upToDate.has(task.id)) ? 0 : 1);
  });
}
