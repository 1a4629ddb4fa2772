import type { Task } from '../kernel/task.ts';

/**
 * `--dry-run`: the steps that read inside folder outputs (directory()) not made yet, or made
 * again by this run, whose tasks are known only then: "step `process`: planned after `split` runs".
 */
export function formatWaiting(
  plan: { readonly tasks: readonly Task[]; readonly waiting: ReadonlyMap<string, readonly string[]> },
  upToDate: ReadonlySet<number>,
): string {
  const lines: string[] = [];
  const planned = new Set(plan.tasks.map((task) => task.step));
  const runs = new Set(plan.tasks.filter((task) => !upToDate.has(task.id)).map((task) => task.step));
  plan.waiting.forEach((after, step) => {
    const pending = after.filter((name) => runs.has(name));
    if (pending.length === 0 && planned.has(step)) return;
    const names = (pending.length > 0 ? pending : after).map((name) => `\`${name}\``);
    lines.push(`step \`${step}\`: planned after ${names.join(' and ')} run${names.length === 1 ? 's' : ''}`);
  });
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/**
 * After a run whose failed tasks left folder outputs (directory()) unmade: the steps that read
 * inside them, or after them, are not complete (their tasks on those folders were never planned).
 * A summary counts only planned tasks, so without this line a gather that never ran would go
 * unmentioned.
 */
export function formatNotPlanned(waiting: ReadonlyMap<string, readonly string[]>, failedSteps: ReadonlySet<string>): string {
  const steps: string[] = [];
  const failed = new Set<string>();
  waiting.forEach((after, step) => {
    const behind = after.filter((name) => failedSteps.has(name));
    if (behind.length === 0) return;
    steps.push(`\`${step}\``);
    for (const name of behind) failed.add(`\`${name}\``);
  });
  if (steps.length === 0) return '';
  const [subject, verb] = steps.length === 1 ? [`step ${steps[0]}`, 'is'] : [`steps ${steps.slice(0, -1).join(', ')} and ${steps.at(-1)}`, 'are'];
  return `sluice: ${subject} ${verb} not complete: ${steps.length === 1 ? 'it reads' : 'they read'} folders that failed tasks of ${[...failed].join(' and ')} did not make\n`;
}
