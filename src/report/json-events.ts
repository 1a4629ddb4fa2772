import type { Writable } from 'node:stream';
import { nameTask } from '../kernel/name-task.ts';
import { describeCommand } from './format-plan.ts';
import type { RunListener } from '../schedule/run-events.ts';
import { TaskFailedError } from '../schedule/task-failed-error.ts';

/**
 * `--json`: one JSON object per line on standard output, for other programs: `plan`, then
 * `task-started`, `task-up-to-date`, `task-succeeded`, `task-failed` (with `retrying`),
 * `task-skipped`, and `run-finished`. Every event has `event` and `time` (epoch ms).
 */
export function createJsonEvents(out: Writable): RunListener {
  const emit = (event: string, fields: Record<string, unknown>): void => {
    out.write(`${JSON.stringify({ event, time: Date.now(), ...fields })}\n`);
  };
  return {
    onRunStarted(tasks) {
      emit('plan', { tasks: tasks.map((task) => ({ id: task.id, step: task.step, name: nameTask(task), command: describeCommand(task), inputs: task.inputs, outputs: task.outputs })) });
    },
    onTaskStarted(task, attempt) {
      emit('task-started', { id: task.id, step: task.step, attempt });
    },
    onTaskUpToDate(task) {
      emit('task-up-to-date', { id: task.id, step: task.step });
    },
    onTaskEnded(task, attempt, outcome, final) {
      const base = { id: task.id, step: task.step, attempt, durationMs: outcome.endedAt - outcome.startedAt };
      if (outcome.status === 'succeeded') return emit('task-succeeded', base);
      const error = new TaskFailedError(task, attempt, outcome);
      emit('task-failed', {
        ...base,
        retrying: !final,
        reason: error.reason,
        exitCode: error.exitCode,
        signal: error.signal,
        timedOut: error.timedOut,
        cancelled: error.cancelled,
        command: error.escapedCommand,
        log: error.logPath,
        stderrTail: error.stderrTail,
        logs: error.logTails.length === 0 ? undefined : error.logTails,
      });
    },
    onTaskSkipped(task) {
      emit('task-skipped', { id: task.id, step: task.step });
    },
    onRunEnded(summary) {
      emit('run-finished', { total: summary.total, counts: summary.counts, interrupted: summary.interrupted, durationMs: summary.endedAt - summary.startedAt });
    },
  };
}
