import type { Task } from '../kernel/task.ts';
import type { RunContext } from './run-context.ts';
import type { TaskRecord } from './task-state.ts';

/**
 * Asks `decide` ahead for the next ready tasks, one per slot and per task the executor can hold
 * ahead, on the next turn of the event loop: the part of deciding that runs before its first
 * await (stat calls, queries) would otherwise delay the tasks that pump just started.
 */
export function queueDecideAhead(run: RunContext): void {
  if (run.aheadQueued || run.options.decide === undefined || run.stopping) return;
  run.aheadQueued = true;
  setImmediate(() => {
    run.aheadQueued = false;
    decideAhead(run);
  });
}

function decideAhead(run: RunContext): void {
  const decide = run.options.decide;
  if (decide === undefined || run.stopping || run.finished) return;
  const most = run.options.jobs + (run.executor.ahead?.limit ?? 0);
  for (let index = run.head; index < run.ready.length && run.decisions.size < most; index++) {
    const task = run.ready[index] as Task;
    if (run.decisions.has(task.id) || (run.records.get(task.id) as TaskRecord).attempts > 0) continue;
    const decision = decide(task);
    // Rejections are reported when the task starts.
    if (typeof decision !== 'boolean') decision.catch(() => {});
    run.decisions.set(task.id, decision);
  }
}

/** The decision asked ahead for `task`, or a new one. */
export function takeDecision(run: RunContext, task: Task, decide: (task: Task) => boolean | Promise<boolean>): boolean | Promise<boolean> {
  const decision = run.decisions.get(task.id);
  if (decision === undefined) return decide(task);
  run.decisions.delete(task.id);
  return decision;
}
