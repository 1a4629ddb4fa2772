import path from 'node:path';
import { PlanError } from '../errors.ts';
import { findProgram } from './find-program.ts';
import type { Task } from '../kernel/task.ts';

/**
 * The programs that `cmd()` tasks name and that cannot be found, one message each (distinct
 * programs, first task's step): a misspelt or uninstalled program stops the run before anything
 * starts, as `sluice map` does, instead of failing every task. A program that a task of the plan
 * makes (`cmd('./build/tool')`, or a file inside an output folder, or a name on PATH that an
 * output lands in) is not looked for: it does not exist before the run.
 */
export function findMissingPrograms(tasks: readonly Task[], file: string, searchPath = process.env.PATH ?? ''): string[] {
  // Built only once a program is not found: most plans name programs that exist.
  let made: Set<string> | undefined;
  const isMade = (candidate: string): boolean => {
    made ??= new Set(tasks.flatMap((task) => task.outputs.map((output) => path.resolve(task.cwd, output))));
    for (let at = candidate; at !== path.dirname(at); at = path.dirname(at)) if (made.has(at)) return true;
    return false;
  };
  const folders = searchPath.split(':').map((folder) => (folder === '' ? '.' : folder));
  const checked = new Set<string>();
  const missing: string[] = [];
  // The tasks of a step name one program from one folder: a task like the one before it is not
  // looked up again (no key string made and hashed for each of 10,000 tasks). Indexed loop:
  // see state/hashes/hash-cache.ts.
  let lastCwd: string | undefined;
  let lastProgram: string | undefined;
  for (let i = 0; i < tasks.length; i += 1) {
    const task = tasks[i] as Task;
    if (task.action.kind !== 'argv') continue;
    const program = task.action.argv[0];
    // A program that is one of the task's own outputs, or an empty word (refused elsewhere).
    if (typeof program !== 'string' || program === '') continue;
    if (program === lastProgram && task.cwd === lastCwd) continue;
    lastCwd = task.cwd;
    lastProgram = program;
    const key = `${task.cwd}\0${program}`;
    if (checked.has(key)) continue;
    checked.add(key);
    try {
      findProgram(program, task.cwd, searchPath);
    } catch (error) {
      if (!(error instanceof PlanError)) throw error;
      const candidates = program.includes('/') ? [path.resolve(task.cwd, program)] : folders.map((folder) => path.resolve(task.cwd, folder, program));
      if (candidates.some(isMade)) continue;
      missing.push(`${error.message}: step \`${task.step}\` of ${file} runs it with cmd(...)`);
    }
  }
  return missing;
}
