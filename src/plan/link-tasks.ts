// The DAG between planned tasks: who makes each input, and every way two tasks can clash over a
// path (one output written twice, a file inside another output, a log read as an input, a cycle).

import path from 'node:path';
import { PlanError } from '../errors.ts';
import { nameTask } from '../kernel/name-task.ts';
import type { Task } from '../kernel/task.ts';
import { isPlainRelative, resolveTaskPath } from '../kernel/resolve-task-path.ts';
import { folderInputMessage, inspectInput, specialInputMessage } from './check-input-files.ts';
import { brokenLinkMessage, describeBrokenLink } from './describe-broken-link.ts';
import { checkNameLength } from './check-name-length.ts';
import { describeOutputPlace } from './check-output-place.ts';
import { globHint } from './describe-glob-pattern.ts';
import { findCycle } from './find-cycle.ts';
import { findLogWriters } from './find-log-writers.ts';

// Most tasks of a large plan read only files on disk: they share one empty list of needs.
const NO_NEEDS: readonly number[] = Object.freeze([]);

/** Task id → ids of the tasks that make its inputs; refuses inputs nobody makes and clashing outputs. */
export function linkTasks(
  tasks: readonly Task[],
  file: string,
  onDisk: ReadonlySet<string>,
  /** Steps whose wildcard values come from `wildcards` lists: a missing input says so. */
  listed: ReadonlySet<string> = new Set(),
  /**
   * Tasks that wait for folder outputs not made yet (directory-outputs.ts): an input that is not
   * there may be made by a task planned only once the folders are made, so its absence is no error now.
   */
  waitingForFolders: ReadonlySet<number> = new Set(),
): Map<number, readonly number[]> {
  const makers = new Map<string, Task>();
  const pipelineName = path.basename(file);
  for (let i = 0; i < tasks.length; i += 1) {
    const task = tasks[i] as Task;
    for (let j = 0; j < task.outputs.length; j += 1) {
      const output = task.outputs[j] as string;
      const other = makers.get(output);
      if (other !== undefined) {
        throw new PlanError(
          other === task
            ? `Task \`${nameTask(task)}\` would write \`${output}\` twice: two outputs of step \`${task.step}\` name one path (${file})`
            : `Two tasks would write \`${output}\`: task \`${nameTask(other)}\` and task \`${nameTask(task)}\` (${file})`,
          { file, step: task.step, field: 'out' },
        );
      }
      // A wildcard's value may put an output where no pattern did (check-output-place.ts): `{x}.ts`
      // on the pipeline file, `{x}/state.db` in `.sluice/`, `../{x}/` on the project's folder.
      if (!isPlainRelative(output) || output === pipelineName || output.startsWith('.sluice')) {
        const problem = describeOutputPlace(output, task.cwd, { pipelineFile: file });
        if (problem !== undefined) throw new PlanError(`Expected output \`${output}\` of task \`${nameTask(task)}\` to ${problem} (${file})`, { file, step: task.step, field: 'out' });
      }
      checkNameLength(output, task.cwd, () => ({ owner: `task \`${nameTask(task)}\``, place: { file, step: task.step } }));
      makers.set(output, task);
    }
  }
  checkNesting(makers, file);
  const logWriters = findLogWriters(tasks, makers, file);
  const dependencies = new Map<number, readonly number[]>();
  for (let i = 0; i < tasks.length; i += 1) {
    const task = tasks[i] as Task;
    let needs: Set<number> | undefined;
    for (let j = 0; j < task.inputs.length; j += 1) {
      const input = task.inputs[j] as string;
      const writer = logWriters === null ? undefined : logWriters.get(path.resolve(task.cwd, input));
      if (writer !== undefined) {
        throw new PlanError(
          `Log \`${input}\` of task \`${nameTask(writer)}\` is an input of task \`${nameTask(task)}\`: ` +
            `every attempt rewrites a log and no run waits for it; declare it in \`out\` if another step reads it (${file})`,
          { file, step: task.step, field: 'in' },
        );
      }
      const maker = makers.get(input);
      if (maker === undefined) {
        const found = onDisk.has(input) ? 'file' : inspectInput(task.cwd, input);
        if (found === 'missing' && waitingForFolders.has(task.id)) continue;
        const broken = found === 'missing' ? describeBrokenLink(resolveTaskPath(task.cwd, input)) : undefined;
        if (broken !== undefined) throw new PlanError(`${brokenLinkMessage(input, `of task \`${nameTask(task)}\``, broken)} (${file})`, { file, step: task.step, field: 'in' });
        if (found === 'missing') {
          throw new PlanError(
            `Input \`${input}\` of task \`${nameTask(task)}\` does not exist and no step makes it (${file})${globHint(input)}` +
              (listed.has(task.step) ? `: its wildcard values come from \`wildcards\` of step \`${task.step}\`` : ''),
            { file, step: task.step, field: 'in' },
          );
        }
        if (found === 'folder') throw new PlanError(`${folderInputMessage(input, `of task \`${nameTask(task)}\``, `\`${input.replace(/\/$/, '')}/{name}\`, or all(...) to gather them`)} (${file})`, { file, step: task.step, field: 'in' });
        if (found !== 'file') throw new PlanError(`${specialInputMessage(input, `of task \`${nameTask(task)}\``, found.special)} (${file})`, { file, step: task.step, field: 'in' });
      } else if (maker.id === task.id) {
        throw new PlanError(`Task \`${nameTask(task)}\` would overwrite its own input \`${input}\` (${file})`, { file, step: task.step });
      } else (needs ??= new Set()).add(maker.id);
    }
    dependencies.set(task.id, needs === undefined ? NO_NEEDS : [...needs]);
  }
  const cycle = findCycle(tasks, dependencies);
  if (cycle !== undefined) {
    throw new PlanError(`Cycle between steps: ${cycle.map((task) => `\`${task.step}\``).join(' → ')} (${file})`, { file });
  }
  return dependencies;
}

// One task's output a file, another's inside it as in a folder: found here, not after the first
// of them ran. The folders above an output are walked once per folder, not once per output: the
// 10,000 outputs of a step in one folder cost one walk.
function checkNesting(makers: ReadonlyMap<string, Task>, file: string): void {
  if (!checkPlainNesting(makers, file)) checkResolvedNesting(makers, file);
}

/**
 * The usual plan: every task in one folder, every output a plain relative path (resolve-task-path.ts).
 * Each output then lies in that folder, whose own folders no output can be, and the outputs
 * above it are found as written: no absolute path and no Map of them. False when the plan is
 * not of that kind (nothing checked).
 */
function checkPlainNesting(makers: ReadonlyMap<string, Task>, file: string): boolean {
  if (path.sep !== '/') return false;
  // forEach, not for-of: no [output, task] pair a file (10,000 outputs, twice).
  let cwd: string | undefined;
  let plain = true;
  makers.forEach((task, output) => {
    cwd ??= task.cwd;
    if (plain && (task.cwd !== cwd || !isPlainRelative(output))) plain = false;
  });
  if (!plain) return false;
  // Folder (as written) → the output that is it or holds it (null: none).
  const outerOf = new Map<string, string | null>();
  // path.dirname of a plain relative path, '' for none above it.
  const folderOf = (file: string): string => file.slice(0, Math.max(0, file.lastIndexOf('/')));
  const findOuter = (folder: string): string | null => {
    if (folder === '') return null;
    const known = outerOf.get(folder);
    if (known !== undefined) return known;
    const outer = makers.has(folder) ? folder : findOuter(folderOf(folder));
    outerOf.set(folder, outer);
    return outer;
  };
  makers.forEach((task, output) => {
    const outer = findOuter(folderOf(output));
    if (outer !== null) throw nestedError(output, task, outer, makers.get(outer) as Task, file);
  });
  return true;
}

function nestedError(output: string, task: Task, outer: string, outerTask: Task, file: string): PlanError {
  return new PlanError(
    `Output \`${output}\` of task \`${nameTask(task)}\` lies inside \`${outer}\`, an output of task \`${nameTask(outerTask)}\` ` +
      `(${file}): one path cannot be both a file and a folder`,
    { file, step: task.step, field: 'out' },
  );
}

function checkResolvedNesting(makers: ReadonlyMap<string, Task>, file: string): void {
  const resolved = new Map<string, { readonly output: string; readonly task: Task }>();
  for (const [output, task] of makers) resolved.set(resolveTaskPath(task.cwd, output), { output, task });
  // Folder → the output that is it or holds it (null: none), for the folders walked so far.
  const outerOf = new Map<string, { readonly output: string; readonly task: Task } | null>();
  const findOuter = (folder: string): { readonly output: string; readonly task: Task } | null => {
    const known = outerOf.get(folder);
    if (known !== undefined) return known;
    // The root holds everything and is no one's output.
    const parent = path.dirname(folder);
    const outer = parent === folder ? null : (resolved.get(folder) ?? findOuter(parent));
    outerOf.set(folder, outer);
    return outer;
  };
  for (const [absolute, { output, task }] of resolved) {
    const outer = findOuter(path.dirname(absolute));
    if (outer !== null) throw nestedError(output, task, outer.output, outer.task, file);
  }
}
