// A backend's failures that are the machine's, told apart from a task's own: a full disk, the
// state database failing, `.sluice/` removed while the run runs. Each becomes one
// EnvironmentError, which stops the run (run-tasks.ts) and ends it with exit 3.

import fs from 'node:fs';
import path from 'node:path';
import { classifyFault } from '../classify-fault.ts';
import { EnvironmentError } from '../errors.ts';
import type { AttemptOutcome, Executor } from '../execute/executor.ts';
import { nameTask } from '../kernel/name-task.ts';
import type { Task } from '../kernel/task.ts';
import { resolveTaskPath } from '../kernel/resolve-task-path.ts';
import { sayFull } from '../kernel/full-file-system.ts';

export interface GuardedPlace {
  readonly stateDir: string;
  readonly dbPath: string;
  readonly logDir: string;
}

export function guardEnvironment(executor: Executor, place: GuardedPlace): Executor {
  return {
    ...executor,
    async submit(attempt) {
      let outcome: AttemptOutcome;
      try {
        outcome = await executor.submit(attempt);
      } catch (error) {
        throw stateDirGone(place) ?? classifyFault(error, { dbPath: place.dbPath, writing: firstOutput(attempt.task) ?? place.logDir }) ?? error;
      }
      if (outcome.status !== 'failed') return outcome;
      const fault = stateDirGone(place, outcome) ?? diskFullUnder(attempt.task, outcome);
      if (fault !== undefined) throw fault;
      return outcome;
    },
  };
}

/** Classifies what the state database threw (a success or a decision that could not be written or read). */
export function classifyStoreFault(error: unknown, dbPath: string): unknown {
  return classifyFault(error, { dbPath }) ?? error;
}

// `.sluice/` removed: the logs cannot be opened (every command task fails to start), the lock is
// gone and the database has no name any more, so nothing this run records would be kept.
// A task that could not start because its log under `.sluice/` could not be opened, the run's log
// folder gone, is the first sign (`rm -r` may not have reached the database yet).
export function stateDirGone(place: Omit<GuardedPlace, 'logDir'> & { logDir?: string }, outcome?: AttemptOutcome): EnvironmentError | undefined {
  const logGone = place.logDir !== undefined && outcome?.error?.includes(place.stateDir) === true && !fs.existsSync(place.logDir);
  if (!logGone && fs.existsSync(place.dbPath)) return undefined;
  return new EnvironmentError(
    `${place.stateDir} was removed while sluice ran (its state database ${path.basename(place.dbPath)} is gone), ` +
      'so sluice stopped the run: what it would record and log there would be lost, and its lock is gone. ' +
      'Run again: with its state gone, sluice runs every task again.',
    place.stateDir,
  );
}

// A task that failed while the file system of its outputs or of its logs had no space left
// failed for that (its standard error, on the same disk, may be cut short for the same reason).
// Which write met the full disk is named as the attempt's own: its output, its log, or either.
function diskFullUnder(task: Task, outcome: AttemptOutcome): EnvironmentError | undefined {
  const full = outcome.noSpaceLeft;
  if (full === undefined) return undefined;
  const { output, log } = full;
  const wrote = output === undefined ? `its log ${log}` : log === undefined ? output : `${output} or its log ${log}`;
  const said = outcome.stderrTail.at(-1) ?? outcome.error;
  return new EnvironmentError(
    `The disk is full: task \`${nameTask(task)}\` failed writing ${wrote}, whose file system had ` +
      `${sayFull(full.full)}${said === undefined ? '' : ` (the task said: ${said})`}. Free some space on that file system and run ` +
      'again: nothing half-written was kept, and the tasks that did not finish run again.',
    output ?? (log as string),
  );
}

function firstOutput(task: Task): string | undefined {
  const output = task.outputs[0];
  return output === undefined ? undefined : resolveTaskPath(task.cwd, output);
}
