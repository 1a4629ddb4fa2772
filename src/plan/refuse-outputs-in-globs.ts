import path from 'node:path';
import { PlanError } from '../errors.ts';
import { loadPicomatch, type Matcher } from './list-glob-folder.ts';
import { realFolderOf } from './real-folder.ts';
import type { Task } from '../kernel/task.ts';

/**
 * Refuses `sluice map` outputs that an `--in` glob matches: the next run would take each for an
 * input (`--in '*.txt' --out '{stem}.out.txt'` makes `a.out.txt`, then `a.out.out.txt`, or is
 * refused then as an output that is an input). Found before the first run, not the second; also
 * where the output's folder or the glob's is a symlink to the other (`--out 'link/{name}'` with
 * `link -> data`), tested where the output lands.
 */
export function refuseOutputsInGlobs(tasks: readonly Task[], globs: readonly string[], cwd: string, dot: boolean): void {
  const realFolders = new Map<string, string>();
  const matchers = globs.filter((glob) => glob !== '-').map((glob) => compileGlob(glob, cwd, dot, realFolders));
  if (matchers.length === 0) return;
  for (const task of tasks) {
    for (const output of task.outputs) {
      // Outputs as `--out` writes them are relative and plain: tested as they are.
      const plain = !path.isAbsolute(output) && !output.startsWith('./') && !output.includes('..');
      const absolute = path.resolve(cwd, output);
      const relative = plain ? output : path.relative(cwd, absolute);
      const real = path.join(realFolderOf(path.dirname(absolute), realFolders), path.basename(absolute));
      for (const matcher of matchers) {
        if (!matcher.test(matcher.absolute ? absolute : relative) && !matchesWhereItLands(matcher, real)) continue;
        throw new PlanError(
          `Expected \`--out\` to name files that \`--in ${matcher.glob}\` does not match, got \`${output}\` ` +
            `(the output of the task for \`${task.inputs[0] ?? ''}\`): the next run would take it for an input. ` +
            'Write the outputs elsewhere (`--out \'out/{name}\'`) or under a name the glob does not match',
        );
      }
    }
  }
}

interface CompiledGlob {
  readonly glob: string;
  readonly absolute: boolean;
  readonly test: Matcher;
  /** The glob's literal folders (`data` of `data/*.txt`; '' for none), as written. */
  readonly base: string;
  /** Where they are on disk, symlinks resolved. */
  readonly realBase: string;
}

// Characters that make a glob segment more than a literal (as list-glob-folder.ts's MAGIC).
const MAGIC = /[*?[\]{}()!+@\\]/;

function compileGlob(glob: string, cwd: string, dot: boolean, realFolders: Map<string, string>): CompiledGlob {
  const absolute = path.isAbsolute(glob);
  const pattern = glob.startsWith('./') ? glob.replace(/^(\.\/)+/, '') : glob;
  const test = loadPicomatch()(pattern, { dot, nobrace: false, nocase: false, noextglob: false, noglobstar: false, posix: true });
  const segments = pattern.split('/');
  const literal = segments.findIndex((segment) => MAGIC.test(segment));
  const base = segments.slice(0, literal === -1 ? segments.length - 1 : literal).join('/');
  return { glob, absolute, test, base, realBase: realFolderOf(path.resolve(cwd, base === '' && absolute ? '/' : base), realFolders) };
}

// The output as the glob would list it, if it lands below the glob's folders: tested then.
function matchesWhereItLands(matcher: CompiledGlob, real: string): boolean {
  const prefix = matcher.realBase.endsWith('/') ? matcher.realBase : `${matcher.realBase}/`;
  if (!real.startsWith(prefix)) return false;
  const rest = real.slice(prefix.length);
  return matcher.test(matcher.base === '' ? (matcher.absolute ? `/${rest}` : rest) : `${matcher.base}/${rest}`);
}
