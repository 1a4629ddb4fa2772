import path from 'node:path';
import { PlanError } from '../errors.ts';
import type { PipelineDefinition } from './define-pipeline.ts';
import { analyzeFolderOutputs } from './directory-outputs.ts';
import { findUnplannedReaders, linkFolderReaders, mergeLinks, widenTargets } from './link-folder-readers.ts';
import { findBashFor } from './find-bash.ts';
import { createListingLog, type ListingLog } from './list-pattern-files.ts';
import { linkTasks } from './link-tasks.ts';
import { normalizeSteps, type NormalizedStep, type StepDefaults } from './normalize-step.ts';
import { AmbiguousPatternError } from './path-pattern.ts';
import { checkActionPlaceholders, createActionBuilder, type PlannedTask } from './plan-step-tasks.ts';
import { planToFixpoint, type Fixpoint } from './plan-to-fixpoint.ts';
import { refuseAliasedOutputs } from './refuse-aliased-outputs.ts';
import { refuseLinkedClashes } from './refuse-linked-clashes.ts';
import { selectTargets } from './select-targets.ts';
import type { ParamValue, Task } from '../kernel/task.ts';

export interface PipelinePlan {
  readonly file: string;
  readonly steps: readonly NormalizedStep[];
  readonly tasks: readonly Task[];
  /** Task id → ids of the tasks that make its inputs. */
  readonly dependencies: ReadonlyMap<number, readonly number[]>;
  /** Ids of the tasks the targets name (an output path, or every task of a step); empty without targets. */
  readonly targets: ReadonlySet<number>;
  /** The folders listed to find the tasks, with their stamps before listing. */
  readonly listings: ListingLog;
  /** Steps that read inside folder outputs (directory()) → the steps whose folders they wait for. */
  readonly waiting: ReadonlyMap<string, readonly string[]>;
  /** Task id → ids of the folder-output tasks whose folders it reads (also in `dependencies`). */
  readonly folderLinks: ReadonlyMap<number, readonly number[]>;
  /** Waiting steps (named by no target, or every step) that could not be planned from the folders on disk: step → why. */
  readonly unplanned: ReadonlyMap<string, PlanError>;
}

export interface PlanPipelineOptions {
  /** Absolute path of the pipeline file; relative paths resolve against its folder. */
  readonly file: string;
  readonly params: Readonly<Record<string, ParamValue>>;
  /** Step names or output paths (relative to `cwd`); empty: everything. */
  readonly targets?: readonly string[];
  /** Where target paths given on the command line are relative to. */
  readonly cwd?: string;
  readonly defaults?: StepDefaults;
  /** `-j` of a local run: a task's `{threads}` is its `cpus`, at most this. */
  readonly jobs?: number | undefined;
}

/** Plans every task of a pipeline and the DAG between them; finds every plan error first. */
export function planPipeline(definition: PipelineDefinition, options: PlanPipelineOptions): PipelinePlan {
  return planSteps(normalizeSteps(definition, options), options);
}

/** Plans the tasks of normalized steps and the DAG between them. */
export function planSteps(steps: readonly NormalizedStep[], options: PlanPipelineOptions): PipelinePlan {
  const { file } = options;
  const dir = path.dirname(file);
  let bash: string | undefined;
  for (const step of steps) {
    checkActionPlaceholders(step, file);
    if (step.action.kind === 'shell') bash ??= findBashFor(step.name, file, dir);
    for (const output of step.outputs) {
      const own = step.inputs.find((input) => input.pattern.source === output.pattern.source);
      if (own !== undefined) {
        const field = `out${step.outputShape === 'single' ? '' : step.outputShape === 'list' ? `[${output.name}]` : `.${output.name}`}`;
        throw new PlanError(`Output \`${output.pattern.source}\` of step \`${step.name}\` of ${file} is also its input: it would overwrite what it reads`, { file, step: step.name, field });
      }
    }
  }
  const folders = analyzeFolderOutputs(steps, file);
  const listings = createListingLog();
  let fixpoint: Fixpoint;
  try {
    fixpoint = planToFixpoint(steps, dir, file, listings, folders.waiting);
  } catch (error) {
    // Matching knows the pattern, not whose it is.
    if (!(error instanceof AmbiguousPatternError)) throw error;
    const owner = steps.find((step) => [...step.inputs, ...step.outputs].some((item) => item.pattern.source === error.pattern));
    throw new PlanError(`${error.message} (${owner === undefined ? '' : `step \`${owner.name}\` of `}${file})`, { file, step: owner?.name, cause: error });
  }
  const { planned, onDisk, held } = fixpoint;
  const tasks = assignTasks(steps, planned, options, dir, bash);
  refuseAliasedOutputs(tasks, steps, dir, file);
  refuseLinkedClashes(tasks, dir, file);
  const listed = new Set(steps.filter((step) => step.wildcardLists.size > 0).map((step) => step.name));
  const folderLinks = linkFolderReaders(tasks, steps, folders);
  const dependencies = mergeLinks(linkTasks(tasks, file, onDisk, listed, findUnplannedReaders(tasks, folderLinks)), folderLinks);
  const targets = widenTargets(options.targets ?? [], tasks, steps, folders.waiting, options.cwd ?? dir, dir);
  const selected = selectTargets(tasks, dependencies, targets, options.cwd ?? dir, dir, file);
  const waiting = new Map([...folders.waiting].map(([index, after]) => [(steps[index] as NormalizedStep).name, after]));
  const named = new Set(options.targets ?? []);
  const unplanned = new Map([...held].map(([index, error]) => [(steps[index] as NormalizedStep).name, error] as const).filter(([name]) => named.size === 0 || named.has(name)));
  return { file, steps, tasks: selected.tasks, dependencies: selected.dependencies, targets: selected.targets, listings, waiting, folderLinks, unplanned };
}

function assignTasks(
  steps: readonly NormalizedStep[],
  planned: readonly PlannedTask[][],
  options: PlanPipelineOptions,
  dir: string,
  bash: string | undefined,
): Task[] {
  const tasks: Task[] = [];
  steps.forEach((step, index) => {
    const outputNames = Object.fromEntries(step.outputs.map((output, at) => [output.name, at]));
    const threads = Math.min(step.cpus, options.jobs ?? step.cpus);
    const resources = { cpus: step.cpus, threads, timeoutMs: step.timeoutMs, noOutputTimeoutMs: step.noOutputTimeoutMs, retries: step.retries, memory: step.memory };
    const env = step.env.length === 0 ? undefined : Object.fromEntries(step.env.map((name) => [name, process.env[name] ?? '']));
    const stepTasks = planned[index] ?? [];
    if (stepTasks.length === 0) return;
    const buildAction = createActionBuilder(step, options.params, options.file, bash);
    // Indexed loops over tasks in planning: see state/hashes/hash-cache.ts.
    for (let i = 0; i < stepTasks.length; i += 1) {
      const task = stepTasks[i] as PlannedTask;
      const id = tasks.length + 1;
      tasks.push({
        id,
        step: step.name,
        action: buildAction(task, id),
        inputs: task.inputs,
        outputs: task.outputs,
        logs: task.logs.length === 0 ? undefined : task.logs,
        stdoutOutput: step.stdoutOutput,
        cwd: dir,
        resources,
        wildcards: task.wildcards,
        inputNames: task.inputNames,
        outputNames,
        params: options.params,
        temporary: step.temporary || undefined,
        env,
      });
    }
  });
  return tasks;
}
