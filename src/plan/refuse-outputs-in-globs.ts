import path from 'node:path';
import { PlanError } from '../errors.ts';
import { loadPicomatch, type Matcher } from './list-glob-folder.ts';
import type { Task } from '../kernel/task.ts';

/**
 * Refuses `sluice map` outputs that an `--in` glob matches: the next run would take each for an
 * input (`--in '*.txt' --out '{stem}.out.txt'` makes `a.out.txt`, then `a.out.out.txt`, or is
 * refused then as an output that is an input). Found before the first run, not the second.
 */
export function refuseOutputsInGlobs(tasks: readonly Task[], globs: readonly string[], cwd: string, dot: boolean): void {
  const matchers = globs.filter((glob) => glob !== '-').map((glob) => compileGlob(glob, dot));
  if (matchers.length === 0) return;
  for (const task of tasks) {
    for (const output of task.outputs) {
      // Outputs as `--out` writes them are relative and plain: tested as they are.
      const plain = !path.isAbsolute(output) && !output.startsWith('./') && !output.includes('..');
      const relative = plain ? output : path.relative(cwd, path.resolve(cwd, output));
      for (const matcher of matchers) {
        if (!matcher.test(matcher.absolute ? path.resolve(cwd, output) : relative)) continue;
        throw new PlanError(
          `Expected \`--out\` to name files that \`--in ${matcher.glob}\` does not match, got \`${output}\` ` +
            `(the output of the task for \`${task.inputs[0] ?? ''}\`): the next run would take it for an input. ` +
            'Write the outputs elsewhere (`--out \'out/{name}\'`) or under a name the glob does not match',
        );
      }
    }
  }
}

function compileGlob(glob: string, dot: boolean): { readonly glob: string; readonly absolute: boolean; readonly test: Matcher } {
  const absolute = path.isAbsolute(glob);
  const pattern = glob.startsWith('./') ? glob.replace(/^(\.\/)+/, '') : glob;
  const test = loadPicomatch()(pattern, { dot, nobrace: false, nocase: false, noextglob: false, noglobstar: false, posix: true });
  return { glob, absolute, test };
}
