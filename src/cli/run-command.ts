import path from 'node:path';
import type { Command } from 'commander';
import { PlanError } from '../errors.ts';
import { readBundleName, readModulesHash } from '../plan/bundle-pipeline.ts';
import { digestPlanInputs } from '../plan/digest-plan-inputs.ts';
import { loadPipeline, findPipelineFile } from '../plan/load-pipeline.ts';
import { saveBundleFile } from '../state/bundles/save-bundle-file.ts';
import type { PipelinePlan } from '../plan/plan-pipeline.ts';
import { resolveParams } from '../plan/resolve-params.ts';
import type { ConfigFile } from '../plan/read-config.ts';
import { collectValues } from './parse-options.ts';
import { checkPipelineSpec } from '../plan/check-definition.ts';
import { normalizeSteps, type NormalizedStep, type StepDefaults } from '../plan/normalize-step.ts';
import type { ParamValue } from '../kernel/task.ts';
import { changedDirectoryArgs } from './launch-dir.ts';
import { executorArgs } from './executor-options.ts';
import { snapshotPathOf } from '../state/freshness/up-to-date-snapshot.ts';
import { executeRequest, type PlanToRun, type PreparedRun } from './execute-request.ts';
import { addRequestOptions, parseRequest, type RequestFlags, type RunRequest } from './request-options.ts';

export interface PipelineFlags {
  /** `-C DIR`: handled before the action runs (main.ts), as make -C. */
  directory?: string;
  file?: string;
  param: string[];
  /** `--config FILE` (repeatable): parameter values from JSON or YAML, later files on top. */
  config?: string[];
}

type RunFlags = PipelineFlags & RequestFlags;

/** The options every pipeline command shares: the file and its parameters. */
export function addPipelineOptions(command: Command): Command {
  return command
    .option('-C, --directory <dir>', 'change to DIR first, as make -C: -f, targets and outputs are relative to it')
    .option('-f, --file <file>', 'the pipeline file (default: pipeline.ts, .mts, .js or .mjs here)')
    .option('-p, --param <key=value>', 'set a pipeline parameter (repeatable)', collectValues, [])
    .option('--config <file>', 'set parameters from a JSON or YAML file (repeatable, later on top; then --param)', collectValues, []);
}

export function defineRunCommand(program: Command, setExitCode: (code: number) => void): void {
  const command = program
    .command('run')
    .summary('run a pipeline')
    .description(
      'Run the pipeline in pipeline.ts (or -f FILE): every task whose outputs are missing or out of ' +
        'date, on every core. TARGETs are step names or output paths; only what they need runs.',
    )
    .usage('[OPTIONS] [TARGET...]')
    .argument('[target...]', 'step names or output paths');
  addRequestOptions(addPipelineOptions(command), 'run')
    .option('--check', 'first type-check the pipeline as `sluice check` does; a type error runs nothing (exit 1)')
    .action(async (targets: string[], flags: RunFlags & { check?: boolean }) => {
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
  const shown = path.relative(process.cwd(), file) || file;
  const configs = await readConfigs(flags.config ?? [], shown);
  const params = resolveParams(definition.params, flags.param, shown, configs);
  return { file, params, steps: normalizeSteps(definition, { file, params, defaults }) };
}

// The YAML parser (~50 ms of loading) is loaded only when there is a config file to read.
async function readConfigs(names: readonly string[], pipeline: string): Promise<ConfigFile[]> {
  if (names.length === 0) return [];
  const { readConfig } = await import('../plan/read-config.ts');
  return names.map((name) => readConfig(name, path.resolve(name), pipeline));
}

// Planning, surveying and running are loaded only once the no-op short cut did not apply.
async function planLoaded(loaded: LoadedPipeline, targets: readonly string[], jobs?: number): Promise<PipelinePlan> {
  const { planSteps } = await import('../plan/plan-pipeline.ts');
  const plan = planSteps(loaded.steps, { file: loaded.file, params: loaded.params, targets, cwd: process.cwd(), jobs });
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
  const request = parseRequest(flags);
  const file = findPipelineFile(process.cwd(), flags.file);
  return executeRequest(request, path.dirname(file), () => preparePipeline(file, targets, flags, request));
}

// The pipeline loaded and its steps normalized: enough to confirm the last run's snapshot.
async function preparePipeline(file: string, targets: readonly string[], flags: RunFlags, request: RunRequest): Promise<PreparedRun> {
  const loaded = await loadFromFlags(flags, { retries: request.retries, timeoutMs: request.timeoutMs, noOutputTimeoutMs: request.noOutputTimeoutMs }, file);
  const root = path.dirname(loaded.file);
  return {
    stepNames: loaded.steps.map((step) => step.name),
    source: loaded.file,
    snapshot: () => {
      const bundle = readBundleName(loaded.file);
      if (bundle === undefined) return undefined;
      return { file: snapshotPathOf(root, loaded.file), key: digestPlanInputs({ ...loaded, bundle, targets, cwd: process.cwd() }) };
    },
    functionModules: loaded.steps.some((step) => step.action.kind === 'function') ? [loaded.file] : [],
    rerun: { pipelineArgs: rerunArgs(flags), cwd: process.cwd() },
    recheck: async (tasks) => {
      await checkPrograms({ tasks, file: loaded.file }, { refuse: true, slurm: false });
    },
    plan: async (planRequest): Promise<PlanToRun> => {
      // `{threads}` is clamped to -j locally; a Slurm job gets the cpus it asked for.
      const plan = await planLoaded(loaded, targets, planRequest.slurm === undefined ? planRequest.jobs : undefined);
      const refusal = await checkPrograms(plan, { refuse: !planRequest.dryRun, slurm: planRequest.slurm !== undefined });
      return { ...plan, slurmSteps: new Map(plan.steps.map((step) => [step.name, step.slurm])), refusal };
    },
  };
}

// What picks the pipeline, its tasks, their time limit and where they run, for the command that
// re-runs one.
function rerunArgs(flags: RunFlags): string[] {
  return [
    ...changedDirectoryArgs(),
    ...executorArgs(flags),
    ...(flags.file === undefined ? [] : ['-f', flags.file]),
    ...(flags.config ?? []).flatMap((name) => ['--config', name]),
    ...flags.param.flatMap((param) => ['-p', param]),
    ...(flags.timeout === undefined ? [] : ['--timeout', flags.timeout]),
    ...(flags.noOutputTimeout === undefined ? [] : ['--no-output-timeout', flags.noOutputTimeout]),
  ];
}

// A program not found here refuses a local run; a local dry run prints its plan, then that
// refusal, and exits 2, as the run would (returned: the refusal). A Slurm run only warns: Slurm
// nodes may have software this machine has not (a site's /apps, a prolog, `--export=NONE`);
// there a missing program fails its tasks, each naming it.
async function checkPrograms(plan: Pick<PipelinePlan, 'tasks' | 'file'>, options: { readonly refuse: boolean; readonly slurm: boolean }): Promise<string | undefined> {
  const { findMissingPrograms } = await import('../plan/check-programs.ts');
  const missing = findMissingPrograms(plan.tasks, plan.file);
  if (missing.length === 0) return undefined;
  if (options.slurm) {
    for (const message of missing) process.stderr.write(`sluice: warning: ${message}\n`);
    return undefined;
  }
  if (options.refuse) throw new PlanError(missing.join('\nsluice: '));
  return missing.join('\nsluice: ');
}
