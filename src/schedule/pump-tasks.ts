import type { Task } from '../kernel/task.ts';
import { queueDecideAhead } from './decide-ahead.ts';
import { finishRun } from './finish-run.ts';
import type { RunContext } from './run-context.ts';
import { releaseHeld, startTask } from './start-task.ts';

/** Starts what the free slots allow, holds tasks ahead where the executor can, ends the run when all is done. */
export function pumpTasks(run: RunContext): void {
  // A free slot goes first to a task held ahead, so that it does not wait for a running task to
  // end; the executor starts it as soon as a worker is free.
  while (!run.stopping && run.free > 0 && run.heldAhead.size > 0) releaseHeld(run, run.heldAhead.values().next().value as number);
  while (!run.stopping && run.head < run.ready.length) {
    let index = run.free > 0 ? run.pick(run.ready, run.head, run.free, run.slotsOf) : -1;
    const early = index < 0;
    if (early) {
      if (run.heldAhead.size >= run.aheadLimit) break;
      index = run.pick(run.ready, run.head, 1, run.aheadSlotsOf);
      if (index < 0) break;
    }
    const task = run.ready[index] as Task;
    if (index === run.head) run.head++;
    else run.ready.splice(index, 1);
    startTask(run, task, early);
  }
  if (run.head > 4096 && run.head * 2 > run.ready.length) {
    run.ready.splice(0, run.head);
    run.head = 0;
  }
  queueDecideAhead(run);
  run.options.onPumped?.(run.free > 0);
  if (run.running === 0 && run.retryTimers.size === 0 && (run.stopping || run.head >= run.ready.length)) finishRun(run);
}
