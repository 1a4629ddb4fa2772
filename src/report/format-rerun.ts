import path from 'node:path';
import { quoteArgv, showArg } from '../kernel/quote-argv.ts';
import type { Task } from '../kernel/task.ts';

/** What a re-run command needs besides the task: how the pipeline was picked, and from where. */
export interface RerunContext {
  /** The arguments that pick the pipeline and its tasks as given: `-f FILE`, `-p KEY=VALUE`. */
  readonly pipelineArgs: readonly string[];
  /** The folder the command is run from: target paths are relative to it. */
  readonly cwd: string;
}

/**
 * The command that runs this one task again: `--force STEP` makes the step's tasks run whatever
 * their state, and an output path as the target keeps only the task that makes it (and the tasks
 * upstream of it, which run only if out of date). A task without outputs cannot be targeted
 * alone unless it is its step's only task (no wildcards): then undefined for one with wildcards.
 */
export function formatRerunCommand(task: Task, context: RerunContext): string | undefined {
  // A step named like an option is given as `--force=-x`.
  const head = ['sluice', 'run', ...context.pipelineArgs, ...(task.step.startsWith('-') ? [`--force=${task.step}`] : ['--force', task.step])];
  const output = task.outputs[0];
  if (output === undefined) {
    if (Object.keys(task.wildcards ?? {}).length > 0) return undefined;
    return quoteArgv([...head, task.step]);
  }
  let target = path.relative(context.cwd, path.resolve(task.cwd, output)) || '.';
  // A target that starts with `-` would be read as an option, and one without a `/` might be
  // taken for a step's name.
  if (!target.includes('/') || target.startsWith('-')) target = `./${target}`;
  return `${quoteArgv(head)} ${showArg(target)}`;
}
