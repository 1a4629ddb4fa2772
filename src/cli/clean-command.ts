import { quoteArgv } from '../kernel/quote-argv.ts';
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { Task } from '../kernel/task.ts';
import { PlanError } from '../errors.ts';
import { forgetFailures } from '../state/journal/forget-failures.ts';
import { forgetSteps } from '../state/journal/forget-successes.ts';
import { readRecordedOutputs } from '../state/journal/read-recorded-outputs.ts';
import { openStore } from '../state/store/open-store.ts';
import { acquireRunLock } from '../state/lock/run-lock.ts';
import { forgetSnapshots } from '../state/freshness/up-to-date-snapshot.ts';
import type { PipelinePlan } from '../plan/plan-pipeline.ts';
import { cleanFromState } from './clean-from-state.ts';
import { folderOutputsOf, removeOutput } from './remove-output.ts';
import { addPipelineOptions, planFromFlags, type PipelineFlags } from './run-command.ts';
import { didYouMean } from '../plan/suggest-name.ts';

export function defineCleanCommand(program: Command, setExitCode: (code: number) => void): void {
  const command = program
    .command('clean')
    .summary("remove the outputs and recorded state of the steps named (or --all)")
    .usage('[OPTIONS] STEP... | --all')
    .argument('[step...]', 'steps whose outputs and state to remove')
    .option('--all', 'every step of the pipeline');
  addPipelineOptions(command).action(async (named: string[], flags: PipelineFlags & { all?: boolean }) => {
    if (flags.all === true && named.length > 0) {
      throw new PlanError(`Expected steps or \`--all\`, got both (\`${named.join(' ')}\` and \`--all\`)`);
    }
    if (flags.all !== true && named.length === 0) {
      throw new PlanError('Expected the steps to clean, or `--all` for every step, got neither');
    }
    let plan: PipelinePlan;
    try {
      plan = await planFromFlags(flags);
    } catch (error) {
      // A pipeline that does not load: its recorded outputs can still go (clean-from-state.ts).
      if (!(error instanceof PlanError)) throw error;
      const root = flags.file === undefined ? process.cwd() : path.dirname(path.resolve(flags.file));
      if (!cleanFromState(root, flags.all === true ? undefined : named, error)) throw error;
      setExitCode(0);
      return;
    }
    const known = new Set(plan.steps.map((step) => step.name));
    const names = flags.all === true ? [...known] : named;
    const root = path.dirname(plan.file);
    const lock = acquireRunLock(root, { command: quoteArgv(['sluice', ...process.argv.slice(2)]) });
    const store = openStore(root);
    try {
      // A step renamed or removed since it ran is cleaned by what its recorded successes wrote.
      const unknown = names.find((name) => !known.has(name) && readRecordedOutputs(store, [name]).length === 0);
      if (unknown !== undefined) {
        throw new PlanError(`Unknown step \`${unknown}\`: ${plan.file} has ${[...known].join(', ')}, and no success of a step of that name is recorded${didYouMean(unknown, [...known])}`);
      }
      forgetSnapshots(root);
      let removed = 0;
      let logs = 0;
      const named = plan.tasks.filter((task) => names.includes(task.step));
      const recorded = readRecordedOutputs(store, names);
      const folders = folderOutputsOf([...named.flatMap((task) => task.outputs.map((output) => [task.cwd, output] as const)), ...recorded.map((output) => [root, output] as const)]);
      for (const file of filesToClean(plan.tasks, named, recorded, root)) {
        if (removeOutput(file, folders.has(file), root)) removed++;
      }
      for (const task of named) {
        // Its logs too: they tell how outputs that are gone now were made, and no run replaces
        // the log of a task that no longer runs (a later run writes the others anew).
        for (const log of task.logs ?? []) {
          const file = path.resolve(task.cwd, log);
          if (fs.lstatSync(file, { throwIfNoEntry: false })?.isFile() === true) {
            fs.rmSync(file, { force: true });
            logs++;
          }
        }
      }
      const forgotten = forgetSteps(store, names);
      forgetFailures(store, names);
      const logNote = logs === 0 ? '' : `, ${logs} log${logs === 1 ? '' : 's'}`;
      process.stderr.write(
        `sluice: removed ${removed} output${removed === 1 ? '' : 's'}${logNote} and ${forgotten} recorded success${forgotten === 1 ? '' : 'es'} of ${flags.all === true ? 'every step' : names.join(', ')}\n`,
      );
    } finally {
      store.close();
      lock.release();
    }
    setExitCode(0);
  });
}

// The planned outputs of the steps cleaned, and the outputs their recorded successes wrote (a step
// whose tasks wait for an upstream folder has none planned now); a recorded path that the plan
// now reads or another step makes is left alone (the pipeline changed since), and so is any
// folder holding the project.
function filesToClean(tasks: readonly Task[], named: readonly Task[], recorded: readonly string[], root: string): Set<string> {
  const resolve = (task: Task, file: string): string => path.resolve(task.cwd, file);
  const planned = new Set(named.flatMap((task) => task.outputs.map((output) => resolve(task, output))));
  const namedTasks = new Set(named);
  const used = new Set(tasks.flatMap((task) => [...task.inputs.map((input) => resolve(task, input)), ...(namedTasks.has(task) ? [] : task.outputs.map((output) => resolve(task, output)))]));
  const files = new Set(planned);
  for (const output of recorded) {
    const file = path.resolve(root, output);
    if (!planned.has(file) && !used.has(file) && !`${root}${path.sep}`.startsWith(`${file}${path.sep}`)) files.add(file);
  }
  return files;
}
