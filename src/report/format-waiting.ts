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
