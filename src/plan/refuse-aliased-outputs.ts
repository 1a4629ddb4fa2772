// An output written through a symlinked folder to where an input pattern reads (`out:
// 'link/{n}.out.txt'` with `link -> data`, and `in: 'data/{n}.txt'`): compared as strings the
// planner sees no link, so the next run takes the file for a source (a step then reads its own
// output as a new input, `a.out.out.txt`), and a step reading it by its real name does not wait
// for the task that makes it. SPEC: an output that matches a source glob is a plan error.

import path from 'node:path';
import { PlanError } from '../errors.ts';
import { nameTask } from '../kernel/name-task.ts';
import { isPlainRelative, resolveTaskPath } from '../kernel/resolve-task-path.ts';
import type { Task } from '../kernel/task.ts';
import type { NormalizedStep } from './normalize-step.ts';
import { testPathPattern } from './path-pattern.ts';
import { createAliasFinder, realFolderOf } from './real-folder.ts';

/**
 * Refuses outputs whose folder is, through a symlink, another folder where an input pattern of a
 * step reads them. One stat (and realpath) per output folder; a folder that is where its name says
 * costs its outputs a Map lookup each.
 */
export function refuseAliasedOutputs(tasks: readonly Task[], steps: readonly NormalizedStep[], dir: string, file: string): void {
  const aliasOf = createAliasFinder(dir);
  const realDir = realFolderOf(dir, new Map());
  // Output folder (as named) → where it is, relative to the pipeline's folder as the patterns
  // name paths; null when that is its own name.
  const aliases = new Map<string, string | null>();
  // Indexed loops: iterators made ~1 MB of garbage for 10,000 tasks (see state/hashes/hash-cache.ts).
  for (let i = 0; i < tasks.length; i += 1) {
    const task = tasks[i] as Task;
    for (let j = 0; j < task.outputs.length; j += 1) {
      const named = task.outputs[j] as string;
      const output = named.endsWith('/') ? named.slice(0, -1) : named;
      const slash = output.lastIndexOf('/');
      const plain = task.cwd === dir && isPlainRelative(output);
      const folder = plain ? (slash === -1 ? '' : output.slice(0, slash)) : path.dirname(resolveTaskPath(task.cwd, output));
      let alias = aliases.get(folder);
      if (alias === undefined) {
        const real = aliasOf(plain ? path.join(dir, folder) : folder);
        alias = real === undefined ? null : path.relative(realDir, real);
        aliases.set(folder, alias);
      }
      if (alias === null) continue;
      const lands = path.join(alias, path.basename(output));
      const reader = findReader(steps, lands, path.join(realDir, lands));
      if (reader === undefined) continue;
      throw new PlanError(
        `Output \`${named}\` of task \`${nameTask(task)}\` is \`${lands}\` on disk (through a symlinked folder), ` +
          `which input \`${reader.pattern}\` of step \`${reader.step}\` reads: the next run would take it for a source file. ` +
          `Name it as \`${lands}\` (a step that reads it then waits for it), or write it elsewhere (${file})`,
        { file, step: task.step },
      );
    }
  }
}

// The first step input pattern that matches the file, named relative to the pipeline's folder or
// absolute. Outside that folder the relative name is tested only on patterns that go up as
// literally (`../data/{n}.txt`): a wildcard never stands for `..` in a listing.
function findReader(steps: readonly NormalizedStep[], relative: string, absolute: string): { step: string; pattern: string } | undefined {
  const up = relative.match(/^(\.\.\/)+/)?.[0] ?? '';
  for (const step of steps) {
    for (const input of step.inputs) {
      try {
        const asRelative = up === '' || input.pattern.source.startsWith(up);
        if ((asRelative && testPathPattern(input.pattern, relative)) || testPathPattern(input.pattern, absolute)) return { step: step.name, pattern: input.pattern.source };
      } catch {
        // A name the pattern cannot split: it does not read it as planned either.
      }
    }
  }
  return undefined;
}
