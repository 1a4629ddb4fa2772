import type { Task } from '../../kernel/task.ts';

/**
 * The task as it runs in a Slurm job: `{threads}` is what the job was granted
 * (`SLURM_CPUS_PER_TASK`, set when sbatch got `--cpus-per-task`), which a site may round up or
 * an `args` option may change; without it, what the task asked for.
 */
export function grantThreads(task: Task, env: Readonly<Record<string, string | undefined>>): Task {
  const granted = Number(env.SLURM_CPUS_PER_TASK);
  if (!Number.isSafeInteger(granted) || granted < 1 || granted === task.resources.threads) return task;
  return { ...task, resources: { ...task.resources, threads: granted } };
}
