import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { PlanError } from '../errors.ts';
import { readBundleName, readModulesHash } from '../plan/bundle-pipeline.ts';
import { digestPlanInputs } from '../plan/digest-plan-inputs.ts';
import { loadPipeline, findPipelineFile } from '../plan/load-pipeline.ts';
import { saveBundleFile } from '../state/bundles/save-bundle-file.ts';
import type { PipelinePlan } from '../plan/plan-pipeline.ts';
import { resolveParams } from '../plan/resolve-params.ts';
import { SLURM_DEFAULTS } from '../execute/slurm/slurm-options.ts';
import { DEFAULTS } from './defaults.ts';
import { fromProcessStart } from './from-process-start.ts';
import { addExecutorOptions, defaultJobs, executorArgs, slurmFromFlags, type ExecutorFlags } from './executor-options.ts';
import { collectValues, parseCount, parseDuration, parsePositiveInteger } from './parse-options.ts';
import { checkPipelineSpec } from '../plan/check-definition.ts';
import { normalizeSteps, type NormalizedStep, type StepDefaults } from '../plan/normalize-step.ts';
import type { ParamValue } from '../kernel/task.ts';
import { findMissingPrograms } from '../plan/check-programs.ts';
import { changedDirectoryArgs } from './launch-dir.ts';
import { confirmUpToDate } from '../session/confirm-up-to-date.ts';
import { chooseColours } from '../report/choose-colours.ts';
import { formatSummary } from '../report/format-summary.ts';
import type { ExecuteFlags } from './execute-plan.ts';
import type { RunResult } from '../session/run-request.ts';
import { formatWaiting } from '../report/format-waiting.ts';
import { deferBehindFolders } from '../session/defer-behind-folders.ts';
import { stateDbPathOf } from '../state/store/state-dir.ts';
import { snapshotPathOf } from '../state/freshness/up-to-date-snapshot.ts';

export interface PipelineFlags {
  /** `-C DIR`: handled before the action runs (main.ts), as make -C. */
  directory?: string;
  file?: string;
  param: string[];
}

interface RunFlags extends PipelineFlags, ExecutorFlags {
  jobs?: string;
  keepGoing?: boolean;
  forceAll?: boolean;
  dryRun?: boolean;
  explain?: boolean;
  force: string[];
  quiet?: boolean;
  json?: boolean;
  retries?: string;
  timeout?: string;
  report?: string;
  check?: boolean;
}


/** The options every pipeline command shares: the file and its parameters. */
export function addPipelineOptions(command: Command): Command {
  return command
    .option('-C, --directory <dir>', 'change to DIR first, as make -C: -f, targets and outputs are relative to it')
    .option('-f, --file <file>', 'the pipeline file (default: pipeline.ts, .mts, .js or .mjs here)')
    .option('-p, --param <key=value>', 'set a pipeline parameter (repeatable)', collectValues, []);
}

export function defineRunCommand(program: Command, setExitCode: (code: number) => void): void {
  const command = program
    .command('run')
    .summary('run a pipeline')
    .description(
      'Run the pipeline in pipeline.ts (or -f FILE): every task whose outputs are missing or out of\n' +
        'date, on every core. TARGETs are step names or output paths; only what they need runs.',
    )
    .usage('[OPTIONS] [TARGET...]')
    .argument('[target...]', 'step names or output paths');
  addExecutorOptions(addPipelineOptions(command))
    .option('-j, --jobs <n>', `cpu slots at once (default: cores, ${DEFAULTS.jobs}; with --executor slurm, ${SLURM_DEFAULTS.jobs} tasks)`)
    .option('-k, --keep-going', "after a failure, go on with the tasks that do not depend on it (make -k; `sluice map -k` is GNU Parallel's keep order)")
    .option('-n, --dry-run', 'print the tasks that would run, run none')
    .option('--explain', 'with --dry-run: say why each task would run')
    .option('--force <step>', 'run the tasks of STEP even if up to date (repeatable)', collectValues, [])
    .option('--force-all', 'run every task (of the TARGETs) even if up to date (make -B)')
    .option('-q, --quiet', 'no progress line or summary (failures are still reported)')
    .option('--json', "one JSON event per line on stdout (plan, task started/finished/failed, run finished) instead of the tasks' output")
    .option('--retries <n>', 'extra attempts for failed tasks of steps that set no `retries`')
    .option('--timeout <duration>', 'time limit for tasks of steps that set no `timeout` (e.g. 30s, 10m)')
    .option('--report <file>', 'at the end, write an HTML report of the run to FILE (see `sluice report`)')
    .option('--check', 'first type-check the pipeline as `sluice check` does; a type error runs nothing (exit 1)')
    .action(async (targets: string[], flags: RunFlags) => {
      if (flags.check === true) {
        const { checkPipelineTypes } = await import('./check-command.ts');
        const output = { quiet: flags.quiet === true || flags.json === true, errors: flags.json === true ? process.stderr : process.stdout };
        const checked = checkPipelineTypes(findPipelineFile(process.cwd(), flags.file), output);
        if (checked !== 0) return setExitCode(checked);
      }
      setExitCode(await runPipelineCommand(targets, flags));
    });
}

/** A pipeline file loaded and its steps normalized for the flags' parameters; nothing listed. */
interface LoadedPipeline {
  readonly file: string;
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly steps: readonly NormalizedStep[];
}

async function loadFromFlags(flags: PipelineFlags, defaults: StepDefaults, file = findPipelineFile(process.cwd(), flags.file)): Promise<LoadedPipeline> {
  const definition = await loadPipeline(file, saveBundleFile);
  // Before the parameters are parsed: `param:` for `params:` is the mistake to report.
  checkPipelineSpec(definition, file);
  const params = resolveParams(definition.params, flags.param, path.relative(process.cwd(), file) || file);
  return { file, params, steps: normalizeSteps(definition, { file, params, defaults }) };
}

// Planning, surveying and running are loaded only once the no-op short cut did not apply.
async function planLoaded(loaded: LoadedPipeline, targets: readonly string[]): Promise<PipelinePlan> {
  const { planSteps } = await import('../plan/plan-pipeline.ts');
  const plan = planSteps(loaded.steps, { file: loaded.file, params: loaded.params, targets, cwd: process.cwd() });
  return withModulesHash(plan, readModulesHash(loaded.file));
}

/** Loads and plans the pipeline the flags name; nothing runs. */
export async function planFromFlags(
  flags: PipelineFlags,
  targets: readonly string[] = [],
  defaults: StepDefaults = {},
): Promise<PipelinePlan> {
  return planLoaded(await loadFromFlags(flags, defaults), targets);
}

// Function steps are signed with the modules the pipeline imports, so editing a helper module
// re-runs the functions that may call it.
function withModulesHash(plan: PipelinePlan, modules: string | undefined): PipelinePlan {
  if (modules === undefined) return plan;
  const tasks = plan.tasks.map((task) => (task.action.kind === 'function' ? { ...task, action: { ...task.action, modules } } : task));
  return { ...plan, tasks };
}

async function runPipelineCommand(targets: string[], flags: RunFlags): Promise<number> {
  const slurm = slurmFromFlags(flags);
  const jobs = flags.jobs === undefined ? defaultJobs(slurm) : parsePositiveInteger('--jobs', flags.jobs);
  // A first run in this folder (no state yet) runs every task: the modules that run them load
  // while esbuild bundles the pipeline (~25 ms of loading, the main thread otherwise idle).
  const file = findPipelineFile(process.cwd(), flags.file);
  const firstRun = flags.dryRun !== true && !fs.existsSync(stateDbPathOf(path.dirname(file)));
  const executing = firstRun ? import('./execute-plan.ts') : undefined;
  executing?.catch(() => {});
  const defaults = {
    retries: flags.retries === undefined ? undefined : parseCount('--retries', flags.retries),
    timeoutMs: flags.timeout === undefined ? undefined : parseDuration('--timeout', flags.timeout),
  };
  const loaded = await loadFromFlags(flags, defaults, file);
  const stepNames = new Set(loaded.steps.map((step) => step.name));
  for (const name of flags.force) {
    if (!stepNames.has(name)) {
      throw new PlanError(`Unknown step \`${name}\` in \`--force\`: ${loaded.file} has ${[...stepNames].join(', ')}`);
    }
  }
  const root = path.dirname(loaded.file);
  // A plain run may end here, every task confirmed up to date by the last run's snapshot.
  const bundle = readBundleName(loaded.file);
  const plain = flags.dryRun !== true && flags.force.length === 0 && flags.forceAll !== true && flags.json !== true && flags.report === undefined && slurm === undefined;
  const snapshot =
    plain && bundle !== undefined
      ? { file: snapshotPathOf(root, loaded.file), key: digestPlanInputs({ ...loaded, bundle, targets, cwd: process.cwd() }) }
      : undefined;
  if (snapshot !== undefined) {
    const confirmed = confirmUpToDate({ root, ...snapshot, command: ['sluice', ...process.argv.slice(2)].join(' ') });
    if (confirmed !== undefined) {
      if (flags.quiet !== true) process.stderr.write(`${formatSummary(fromProcessStart(confirmed), chooseColours(process.stderr))}\n`);
      return 0;
    }
  }
  // On a first run the function steps' worker threads start now, and load the pipeline while it
  // is planned and surveyed (~0.1 s on two cores).
  const early = firstRun && slurm === undefined && loaded.steps.some((step) => step.action.kind === 'function');
  const functionRunner = early ? import('../execute/warm-up.ts').then(({ startFunctionThreads }) => startFunctionThreads(jobs, loaded.file)) : undefined;
  let plan: PipelinePlan;
  try {
    plan = await planLoaded(loaded, targets);
    checkPrograms(plan, { refuse: flags.dryRun !== true && slurm === undefined });
  } catch (error) {
    await (await functionRunner)?.close();
    throw error;
  }
  const planned = {
    root,
    tasks: plan.tasks,
    folderLinks: plan.folderLinks,
    dependencies: plan.dependencies,
    forcedSteps: new Set(flags.forceAll === true ? plan.steps.map((step) => step.name) : flags.force),
    targets: plan.targets,
    snapshot:
      snapshot !== undefined && plan.listings.exact
        ? { ...snapshot, folders: plan.listings.folders, listedAtNs: plan.listings.startedAtNs }
        : undefined,
  };
  if (flags.dryRun === true) {
    const [{ surveyPlan }, { formatPlan }] = await Promise.all([import('../session/survey-plan.ts'), import('../report/format-plan.ts')]);
    const survey = await surveyPlan(planned);
    // Tasks reading a folder output that this run makes again are planned after it: left out.
    const kept = deferBehindFolders(plan.tasks, plan.dependencies, plan.folderLinks, survey.upToDate).tasks;
    process.stdout.write(formatPlan(kept, survey, { explain: flags.explain === true }));
    process.stdout.write(formatWaiting(plan, survey.upToDate));
    return 0;
  }
  const { executePlan } = await (executing ?? import('./execute-plan.ts'));
  const execute = (run: typeof planned, runner: typeof functionRunner, onResult: ExecuteFlags['onResult']): Promise<number> => executePlan(run, {
    jobs,
    keepGoing: flags.keepGoing === true,
    keepOrder: false,
    quiet: flags.quiet === true,
    json: flags.json === true,
    slurm: slurm === undefined ? undefined : { options: slurm, steps: new Map(plan.steps.map((step) => [step.name, step.slurm])) },
    report: flags.report,
    rerun: { pipelineArgs: rerunArgs(flags), cwd: process.cwd() },
    functionRunner: runner,
    onResult,
  });
  // A task that made a folder output (directory()) changes what the steps reading inside it
  // find: the pipeline is planned again and the new tasks run, until no folder is made. Each
  // round is a run of its own (its own summary); what ran before is up to date in the next.
  let result: RunResult | undefined;
  let code = await execute(planned, functionRunner, (done) => (result = done));
  for (let round = 1; round <= loaded.steps.length && result !== undefined && !result.interrupted && result.madeFolders > 0 && plan.waiting.size > 0; round++) {
    if (code !== 0 && flags.keepGoing !== true) break;
    // A run's id is its second and pid: the next round starts in the next second.
    const nextSecond = Math.floor(result.endedAt / 1000) * 1000 + 1000;
    if (Date.now() < nextSecond) await new Promise((resolve) => setTimeout(resolve, nextSecond - Date.now() + 5));
    plan = await planLoaded(loaded, targets);
    checkPrograms(plan, { refuse: slurm === undefined });
    result = undefined;
    const next = await execute({ ...planned, tasks: plan.tasks, dependencies: plan.dependencies, folderLinks: plan.folderLinks, targets: plan.targets, snapshot: undefined }, undefined, (done) => (result = done));
    code = Math.max(code, next);
  }
  return code;
}

// What picks the pipeline, its tasks, their time limit and where they run, for the command that
// re-runs one.
function rerunArgs(flags: RunFlags): string[] {
  return [
    ...changedDirectoryArgs(),
    ...executorArgs(flags),
    ...(flags.file === undefined ? [] : ['-f', flags.file]),
    ...flags.param.flatMap((param) => ['-p', param]),
    ...(flags.timeout === undefined ? [] : ['--timeout', flags.timeout]),
  ];
}

// A program not found here refuses a local run. A dry run and a Slurm run only warn: a dry run
// runs nothing, and Slurm nodes may have software this machine has not (a site's /apps, a
// prolog, `--export=NONE`); there a missing program fails its tasks, each naming it.
function checkPrograms(plan: PipelinePlan, options: { readonly refuse: boolean }): void {
  const missing = findMissingPrograms(plan.tasks, plan.file);
  if (missing.length === 0) return;
  if (options.refuse) throw new PlanError(missing.join('\nsluice: '));
  for (const message of missing) process.stderr.write(`sluice: warning: ${message}\n`);
}
