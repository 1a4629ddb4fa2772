import { emit, moveTo, stopRun, type RunContext } from './run-context.ts';
import type { RunSummary } from './run-events.ts';
import { countStates } from './task-state.ts';

/** Nothing runs and nothing more can start: the tasks left over will not run, and the run resolves. */
export function finishRun(run: RunContext): void {
  if (run.finished) return;
  run.finished = true;
  run.options.signal?.removeEventListener('abort', run.abort);
  run.records.forEach((record, id) => {
    if (record.state === 'pending' || record.state === 'retrying') {
      moveTo(run, id, record.state === 'retrying' ? 'failed' : 'not run');
    }
  });
  const settled = run.options.settled?.count ?? 0;
  const counts = countStates(run.records);
  const summary: RunSummary = {
    total: run.tasks.length + settled,
    counts: { ...counts, 'up to date': counts['up to date'] + settled },
    startedAt: run.startedAt,
    endedAt: Date.now(),
    interrupted: run.interrupted,
    failures: run.failures,
    fault: run.fault,
  };
  emit(run, 'onRunEnded', summary);
  run.resolve(summary);
}

/** Ctrl-C: cancels the running tasks and the retries to come; no new task starts. */
export function abortRun(run: RunContext): void {
  run.interrupted = true;
  stopRun(run);
  for (const [id, timer] of run.retryTimers) {
    clearTimeout(timer);
    moveTo(run, id, 'cancelled');
  }
  run.retryTimers = new Map();
  run.records.forEach((record, id) => {
    if (record.state === 'running' || record.state === 'committing') run.executor.cancel(id);
  });
  run.pump();
}
