import path from 'node:path';
import { PlanError } from '../errors.ts';
import { loadPicomatch, type Matcher } from './list-glob-folder.ts';
import { createAliasFinder, realFolderOf } from './real-folder.ts';
import type { Task } from '../kernel/task.ts';

/**
 * Refuses `sluice map` outputs that an `--in` glob matches: the next run would take each for an
 * input (`--in '*.txt' --out '{stem}.out.txt'` makes `a.out.txt`, then `a.out.out.txt`, or is
 * refused then as an output that is an input). Found before the first run, not the second; also
 * where the output's folder or the glob's is a symlink to the other (`--out 'link/{name}'` with
 * `link -> data`), tested where the output lands.
 */
export function refuseOutputsInGlobs(tasks: readonly Task[], globs: readonly string[], cwd: string, dot: boolean): void {
  const globbed = globs.filter((glob) => glob !== '-');
  if (globbed.length === 0) return;
  const aliasOf = createAliasFinder(cwd);
  const realCwd = realFolderOf(cwd, new Map());
  const matchers = globbed.map((glob) => compileGlob(glob, cwd, dot, aliasOf));
  // A glob read through a symlinked folder: every output is tested where it lands.
  const globAliased = matchers.some((matcher) => matcher.aliased);
  // Output folder as named → where it is when a symlink makes that another place (null: not).
  const landing = new Map<string, string | null>();
  for (const task of tasks) {
    for (const output of task.outputs) {
      // Outputs as `--out` writes them are relative and plain: tested as they are.
      const plain = !path.isAbsolute(output) && !output.startsWith('./') && !output.includes('..');
      const relative = plain ? output : path.relative(cwd, path.resolve(cwd, output));
      const slash = output.lastIndexOf('/');
      const folder = plain ? (slash === -1 ? '' : output.slice(0, slash)) : path.dirname(path.resolve(cwd, output));
      let lands = landing.get(folder);
      if (lands === undefined) {
        lands = aliasOf(plain ? path.join(cwd, folder) : folder) ?? null;
        landing.set(folder, lands);
      }
      const real = lands !== null ? path.join(lands, path.basename(output)) : globAliased ? path.join(realCwd, relative) : undefined;
      for (const matcher of matchers) {
        if (!matcher.test(matcher.absolute ? path.resolve(cwd, output) : relative) && (real === undefined || !matchesWhereItLands(matcher, real))) continue;
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
  /** Whether that is another place than their name says. */
  readonly aliased: boolean;
}

// Characters that make a glob segment more than a literal (as list-glob-folder.ts's MAGIC).
const MAGIC = /[*?[\]{}()!+@\\]/;

function compileGlob(glob: string, cwd: string, dot: boolean, aliasOf: (folder: string) => string | undefined): CompiledGlob {
  const absolute = path.isAbsolute(glob);
  const pattern = glob.startsWith('./') ? glob.replace(/^(\.\/)+/, '') : glob;
  const test = loadPicomatch()(pattern, { dot, nobrace: false, nocase: false, noextglob: false, noglobstar: false, posix: true });
  const segments = pattern.split('/');
  const literal = segments.findIndex((segment) => MAGIC.test(segment));
  const base = segments.slice(0, literal === -1 ? segments.length - 1 : literal).join('/');
  const folder = path.resolve(cwd, base === '' && absolute ? '/' : base);
  const alias = aliasOf(folder);
  return { glob, absolute, test, base, realBase: alias ?? realFolderOf(folder, new Map()), aliased: alias !== undefined };
}

// The output as the glob would list it, if it lands below the glob's folders: tested then.
function matchesWhereItLands(matcher: CompiledGlob, real: string): boolean {
  const prefix = matcher.realBase.endsWith('/') ? matcher.realBase : `${matcher.realBase}/`;
  if (!real.startsWith(prefix)) return false;
  const rest = real.slice(prefix.length);
  return matcher.test(matcher.base === '' ? (matcher.absolute ? `/${rest}` : rest) : `${matcher.base}/${rest}`);
}
