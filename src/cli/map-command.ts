import fs from 'node:fs';
import type { Command } from 'commander';
import { PlanError } from '../errors.ts';
import { digestMapInputs, type MapInputSource } from '../plan/digest-plan-inputs.ts';
import { MAP_STEP } from '../kernel/name-task.ts';
import type { MapPlanOptions } from '../plan/plan-map.ts';
import type { GlobMatches } from '../plan/expand-glob.ts';
import { snapshotPathOf } from '../state/freshness/up-to-date-snapshot.ts';
import { stateDbPathOf } from '../state/store/state-dir.ts';
import { DEFAULTS } from './defaults.ts';
import { executeRequest, type PreparedRun } from './execute-request.ts';
import { collectValues } from './parse-options.ts';
import { readStdinInputs } from './read-stdin-inputs.ts';
import { shieldDash } from '../kernel/shield-dash.ts';
import { addRequestOptions, parseRequest, type RequestFlags, type RunRequest } from './request-options.ts';

interface MapFlags extends RequestFlags {
  in: string[];
  null?: boolean;
  out?: string;
  shell?: boolean;
  dot?: boolean;
}

const ARG_SEPARATOR = ':::';

export function defineMapCommand(program: Command, setExitCode: (code: number) => void): void {
  const command = program
    .command('map')
    .summary('run one command over many inputs')
    .description(
      'Run COMMAND once per input, on every core. Inputs come from --in globs, from ::: arguments, ' +
        'or from standard input (--in -). Placeholders in COMMAND and --out expand to exactly one ' +
        'argument each: {} {in} {out} {name} {stem} {ext} {dir} {#} {.} {/} {//} {/.}, and, in COMMAND only, {threads} (the cpus a task holds). ' +
        'Without a placeholder the input is appended as the last argument.',
    )
    .usage('[OPTIONS] -- COMMAND [ARG...] [::: INPUT...]');
  command
    .option('-C, --directory <dir>', 'change to DIR first, as make -C: globs, inputs, outputs and .sluice/ are relative to it')
    .option('--in <glob>', 'input files matching GLOB (repeatable); `-` reads stdin', collectValues, [])
    .option('-0, --null', 'with `--in -`: inputs are NUL-separated')
    .option('--dot', 'let globs match names that start with a dot')
    .option('--out <template>', "each task's output path; stdout goes there unless COMMAND uses {out}")
    .option('--shell', 'run COMMAND with bash in strict mode, as bash -euo pipefail -c: a failure anywhere, even first in a pipe, fails the task (placeholders are quoted)');
  addRequestOptions(command, 'map')
    .argument('[command...]', 'the command, then optionally ::: and literal inputs')
    .passThroughOptions()
    .action(async (words: string[], flags: MapFlags) => {
      setExitCode(await runMap(words, flags));
    });
}

// The snapshot of the last no-op `sluice map` in a folder: one, whatever the command (its
// digest tells them apart); named unlike any pipeline file.
const SNAPSHOT_NAME = 'sluice map';

async function runMap(words: string[], flags: MapFlags): Promise<number> {
  const request = parseRequest(flags);
  const cwd = process.cwd();
  return executeRequest(request, cwd, () => prepareMap(words, flags, request, cwd));
}

/** Inputs as found, and where from: errors name the source of an input that is not a regular file. */
interface InputSource {
  readonly inputs: readonly string[];
  readonly from: string;
  /** Each input was listed as a regular file (a glob's one folder). */
  readonly plainFiles?: boolean;
}

// What the command line gives: the command and options, the globs unlisted, the inputs from
// standard input and `:::`. Enough to confirm the last run's snapshot; listing waits for planning.
async function prepareMap(words: string[], flags: MapFlags, request: RunRequest, cwd: string): Promise<PreparedRun> {
  const separator = words.indexOf(ARG_SEPARATOR);
  if (flags.in.length === 0 && separator < 0) {
    throw new PlanError('Expected inputs from `--in GLOB`, `--in -` or `::: INPUT...`, got none');
  }
  const given: MapInputSource[] = [];
  for (const glob of flags.in) given.push(glob === '-' ? { inputs: await readStdinInputs(process.stdin, flags.null === true) } : { glob });
  given.push({ inputs: separator < 0 ? [] : words.slice(separator + 1) });
  const options: Omit<MapPlanOptions, 'inputs'> = {
    command: separator < 0 ? words : words.slice(0, separator),
    shell: flags.shell === true,
    outTemplate: flags.out,
    cwd,
    timeoutMs: request.timeoutMs,
    noOutputTimeoutMs: request.noOutputTimeoutMs,
    retries: request.retries ?? DEFAULTS.retries,
  };
  const dot = flags.dot === true;
  return {
    stepNames: [MAP_STEP],
    source: '`sluice map`',
    // Without `--out` no task is ever up to date: there is nothing to confirm.
    snapshot: () => (flags.out === undefined ? undefined : { file: snapshotPathOf(cwd, SNAPSHOT_NAME), key: digestMapInputs(options, given, dot) }),
    alwaysRuns: flags.out === undefined,
    functionModules: [],
    // A kept plan's program is looked for again as planning looks for it (no task is made).
    recheck: async () => {
      (await import('../plan/plan-map.ts')).planMap({ ...options, inputs: [] });
    },
    plan: async (planRequest) => {
      // Loaded only now: a no-op confirmed by the snapshot lists nothing.
      const [{ createListingLog }, { listInputGlob }, { checkInputFiles }, { planMapPipeline }, { refuseOutputsInGlobs }] = await Promise.all([
        import('../plan/list-pattern-files.ts'),
        import('../plan/expand-input-glob.ts'),
        import('../plan/check-input-files.ts'),
        import('../plan/plan-map.ts'),
        import('../plan/refuse-outputs-in-globs.ts'),
      ]);
      const listings = createListingLog();
      const expand = (glob: string): GlobMatches => listInputGlob(glob, { cwd, dot, log: listings });
      const sources = listInputs(flags.in, given, expand);
      // Concatenated without spreading: a million inputs would overflow the call stack.
      let inputs: string[] = [];
      for (const source of sources) inputs = inputs.length === 0 ? source.inputs.slice() : inputs.concat(source.inputs);
      const plan = planMapPipeline({ ...options, inputs }, listings);
      refuseOutputsInGlobs(plan.tasks, flags.in, cwd, dot);
      // A dry run without state stats no file (a million-task dry run stays a plan); anything
      // that hashes inputs refuses those it cannot hash first.
      const hashed = flags.out !== undefined;
      if (!planRequest.dryRun || (hashed && plan.tasks.length > 0 && fs.existsSync(stateDbPathOf(cwd)))) {
        for (const source of sources) {
          // A glob's listing that saw each match as a regular file already proved what this checks.
          if (source.plainFiles !== true) checkInputFiles(source.inputs, cwd, `of \`sluice map\` (from ${source.from})`, { hashed });
        }
      }
      return plan;
    },
  };
}

// `--in` globs (listed now) and `--in -` in the order given, then the literal inputs after `:::`.
function listInputs(ins: readonly string[], given: readonly MapInputSource[], expand: (glob: string) => GlobMatches): InputSource[] {
  return given.map((source, index) => {
    if ('glob' in source) {
      const found = expand(source.glob);
      return { inputs: shieldDashes(found.files), from: `\`--in ${source.glob}\``, plainFiles: found.allPlainFiles };
    }
    if (index < ins.length) return { inputs: shieldDashes(source.inputs), from: '`--in -`' };
    return { inputs: source.inputs, from: '`:::`' };
  });
}

// A file named `-n.txt` given to `cat {}` would be read as an option: files from `--in` (globs
// and standard input) that start with `-` are given as `./-n.txt`, the same file, as `find`
// prints them. Literal `:::` inputs stay as written (`::: -1 -9` may mean options).
function shieldDashes(files: readonly string[]): readonly string[] {
  let shielded: string[] | undefined;
  for (let index = 0; index < files.length; index += 1) {
    const file = files[index] as string;
    if (file.charCodeAt(0) !== 45) continue;
    shielded ??= files.slice();
    shielded[index] = shieldDash(file);
  }
  return shielded ?? files;
}
