import type { SlurmStepOptions } from '../../plan/define-pipeline.ts';
import type { Task } from '../../kernel/task.ts';
import { bug } from '../../errors.ts';
import { toSlurmMemory } from './build-sbatch-argv.ts';
import { mergeSlurmOptions } from './slurm-options.ts';

/** What a task asks of Slurm beyond its cpus and time: tasks of one shape can share an array job. */
export interface TaskShape {
  readonly memory: string | undefined;
  readonly slurm: SlurmStepOptions;
}

/** The shape of a task, its step's options merged over the command line's. */
export function shapeOf(
  task: Task,
  options: { readonly slurm?: SlurmStepOptions | undefined; readonly steps?: ReadonlyMap<string, SlurmStepOptions | undefined> | undefined },
): TaskShape {
  const memory = task.resources.memory === undefined ? undefined : toSlurmMemory(task.resources.memory);
  if (task.resources.memory !== undefined && memory === undefined) {
    // The planner refuses such a step (normalize-step.ts): a task that still has one was not planned.
    bug(`Task ${task.id} of step \`${task.step}\` reached Slurm with \`memory\` \`${task.resources.memory}\`, which planning refuses`);
  }
  return { memory, slurm: mergeSlurmOptions(options.slurm, options.steps?.get(task.step)) };
}

/** Tasks with the same key go out in one batch (one array job). */
export function batchKeyOf(task: Task, shape: TaskShape): string {
  return JSON.stringify([task.step, task.resources.cpus, shape.memory, task.resources.timeoutMs ?? null, shape.slurm]);
}
