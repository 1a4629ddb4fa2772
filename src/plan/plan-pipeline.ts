import path from 'node:path';
import { PlanError } from '../errors.ts';
import type { PipelineDefinition } from './define-pipeline.ts';
import { findBashFor } from './find-bash.ts';
import { findCycle } from './find-cycle.ts';
import { folderInputMessage, inspectInput, specialInputMessage } from './check-input-files.ts';
import { findLogWriters } from './find-log-writers.ts';
import { createListingLog, listPatternFiles, type ListingLog } from './list-pattern-files.ts';
import { normalizeSteps, type NormalizedStep, type StepDefaults } from './normalize-step.ts';
import { AmbiguousPatternError, patternKey, testPathPattern, type PathPattern } from './path-pattern.ts';
import { checkActionPlaceholders, createActionBuilder, planStepTasks, type PlannedTask } from './plan-step-tasks.ts';
import { nameTask } from './name-task.ts';
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
        throw new PlanError(`Output \`${output.pattern.source}\` of step \`${step.name}\` of ${file} is also its input: it would overwrite what it reads`);
      }
    }
  }
  const listings = createListingLog();
  let fixpoint: ReturnType<typeof planToFixpoint>;
  try {
    fixpoint = planToFixpoint(steps, dir, file, listings);
  } catch (error) {
    // Matching knows the pattern, not whose it is.
    if (!(error instanceof AmbiguousPatternError)) throw error;
    const owner = steps.find((step) => [...step.inputs, ...step.outputs].some((item) => item.pattern.source === error.pattern));
    throw new PlanError(`${error.message} (${owner === undefined ? '' : `step \`${owner.name}\` of `}${file})`, { cause: error });
  }
  const { planned, onDisk } = fixpoint;
  const tasks = assignTasks(steps, planned, options, dir, bash);
  const listed = new Set(steps.filter((step) => step.wildcardLists.size > 0).map((step) => step.name));
  const dependencies = linkTasks(tasks, file, onDisk, listed);
  const selected = selectTargets(tasks, dependencies, options.targets ?? [], options.cwd ?? dir, dir, file);
  return { file, steps, tasks: selected.tasks, dependencies: selected.dependencies, targets: selected.targets, listings };
}

// Steps are planned against files on disk plus what the other steps make, until the set of
// planned outputs stops changing: the DAG follows from the paths, whatever the step order.
function planToFixpoint(
  steps: readonly NormalizedStep[],
  dir: string,
  file: string,
  listings: ListingLog,
): { planned: PlannedTask[][]; onDisk: ReadonlySet<string> } {
  const onDisk = new Map<string, string[]>();
  const seenOnDisk = new Set<string>();
  const existing = (pattern: PathPattern): string[] => {
    let found = onDisk.get(patternKey(pattern));
    if (found === undefined) {
      const specials = new Set<string>();
      found = listPatternFiles(pattern, dir, listings, specials);
      onDisk.set(patternKey(pattern), found);
      // A FIFO, socket or device stays out: linking the tasks stats it and refuses it by name.
      for (const candidate of found) if (!specials.has(candidate)) seenOnDisk.add(candidate);
    }
    return found;
  };
  const reads = (step: NormalizedStep, candidate: string): boolean =>
    step.inputs.some((input) => testPathPattern(input.pattern, candidate));
  let producedBy: string[][] = steps.map(() => []);
  let result: PlannedTask[][] = [];
  const unmatched: (PlanError | undefined)[] = [];
  const previousKeys: (string | undefined)[] = steps.map(() => undefined);
  for (let round = 0; round <= steps.length + 1; round++) {
    const next: PlannedTask[][] = steps.map((step, index) => {
      const others = producedBy.flatMap((outputs, owner) => (owner === index ? [] : outputs.filter((output) => reads(step, output))));
      const ownRead = (producedBy[index] ?? []).filter((output) => reads(step, output));
      const key = `${others.join('\0')}\0own\0${ownRead.join('\0')}`;
      if (key === previousKeys[index] && result[index] !== undefined) return result[index];
      previousKeys[index] = key;
      // A step never reads its own outputs, even when old copies of them lie on disk.
      const own = new Set(producedBy[index]);
      const candidates = (pattern: PathPattern): string[] => {
        const fromDisk = existing(pattern);
        const fromSteps = others.filter((candidate) => testPathPattern(pattern, candidate));
        if (own.size === 0 && fromSteps.length === 0) return fromDisk;
        return [...(own.size === 0 ? fromDisk : fromDisk.filter((candidate) => !own.has(candidate))), ...fromSteps];
      };
      const planned = planStepTasks(step, candidates, file);
      unmatched[index] = planned.unmatched;
      return planned.tasks;
    });
    const nextProducedBy = next.map(outputsOf);
    const stable = nextProducedBy.every((outputs, index) => sameList(outputs, producedBy[index] ?? []));
    result = next;
    producedBy = nextProducedBy;
    if (stable) {
      const error = unmatched.find((item) => item !== undefined);
      if (error !== undefined) throw error;
      return { planned: result, onDisk: seenOnDisk };
    }
  }
  throw new PlanError(`The steps of ${file} keep making inputs for each other without end (a cycle of patterns)`);
}

// A loop, not flatMap: 10,000 tasks per round, each with its own small array.
function outputsOf(tasks: readonly PlannedTask[]): string[] {
  const outputs: string[] = [];
  for (let i = 0; i < tasks.length; i += 1) {
    const task = tasks[i] as PlannedTask;
    for (let j = 0; j < task.outputs.length; j += 1) outputs.push(task.outputs[j] as string);
  }
  return outputs;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index]);
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
    const resources = { cpus: step.cpus, threads, timeoutMs: step.timeoutMs, retries: step.retries, memory: step.memory };
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

// Most tasks of a large plan read only files on disk: they share one empty list of needs.
const NO_NEEDS: readonly number[] = Object.freeze([]);

function linkTasks(tasks: readonly Task[], file: string, onDisk: ReadonlySet<string>, listed: ReadonlySet<string>): Map<number, readonly number[]> {
  const makers = new Map<string, Task>();
  for (let i = 0; i < tasks.length; i += 1) {
    const task = tasks[i] as Task;
    for (let j = 0; j < task.outputs.length; j += 1) {
      const output = task.outputs[j] as string;
      const other = makers.get(output);
      if (other !== undefined) {
        throw new PlanError(
          `Two tasks would write \`${output}\`: task \`${nameTask(other)}\` and task \`${nameTask(task)}\` (${file})`,
        );
      }
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
      const writer = logWriters?.get(input);
      if (writer !== undefined) {
        throw new PlanError(
          `Log \`${input}\` of task \`${nameTask(writer)}\` is an input of task \`${nameTask(task)}\`: ` +
            `every attempt rewrites a log and no run waits for it; declare it in \`out\` if another step reads it (${file})`,
        );
      }
      const maker = makers.get(input);
      if (maker === undefined) {
        const found = onDisk.has(input) ? 'file' : inspectInput(task.cwd, input);
        if (found === 'missing') {
          throw new PlanError(
            `Input \`${input}\` of task \`${nameTask(task)}\` does not exist and no step makes it (${file})` +
              (listed.has(task.step) ? `: its wildcard values come from \`wildcards\` of step \`${task.step}\`` : ''),
          );
        }
        if (found === 'folder') throw new PlanError(`${folderInputMessage(input, `of task \`${nameTask(task)}\``, `\`${input.replace(/\/$/, '')}/{name}\`, or all(...) to gather them`)} (${file})`);
        if (found !== 'file') throw new PlanError(`${specialInputMessage(input, `of task \`${nameTask(task)}\``, found.special)} (${file})`);
      } else if (maker.id === task.id) {
        throw new PlanError(`Task \`${nameTask(task)}\` would overwrite its own input \`${input}\` (${file})`);
      } else (needs ??= new Set()).add(maker.id);
    }
    dependencies.set(task.id, needs === undefined ? NO_NEEDS : [...needs]);
  }
  const cycle = findCycle(tasks, dependencies);
  if (cycle !== undefined) {
    throw new PlanError(`Cycle between steps: ${cycle.map((task) => `\`${task.step}\``).join(' → ')} (${file})`);
  }
  return dependencies;
}

// One task's output a file, another's inside it as in a folder: found here, not after the first
// of them ran.
function checkNesting(makers: ReadonlyMap<string, Task>, file: string): void {
  const resolved = new Map<string, { readonly output: string; readonly task: Task }>();
  for (const [output, task] of makers) resolved.set(path.resolve(task.cwd, output), { output, task });
  for (const [absolute, { output, task }] of resolved) {
    for (let folder = path.dirname(absolute); folder !== path.dirname(folder); folder = path.dirname(folder)) {
      const outer = resolved.get(folder);
      if (outer === undefined) continue;
      throw new PlanError(
        `Output \`${output}\` of task \`${nameTask(task)}\` lies inside \`${outer.output}\`, an output of task \`${nameTask(outer.task)}\` ` +
          `(${file}): one path cannot be both a file and a folder`,
      );
    }
  }
}

function selectTargets(
  tasks: readonly Task[],
  dependencies: ReadonlyMap<number, readonly number[]>,
  targets: readonly string[],
  cwd: string,
  dir: string,
  file: string,
): { tasks: readonly Task[]; dependencies: ReadonlyMap<number, readonly number[]>; targets: ReadonlySet<number> } {
  if (targets.length === 0) return { tasks, dependencies, targets: new Set() };
  const stepNames = new Set(tasks.map((task) => task.step));
  const byOutput = new Map(tasks.flatMap((task) => task.outputs.map((output) => [path.resolve(dir, output), task] as const)));
  const wanted: Task[] = [];
  for (const target of targets) {
    if (stepNames.has(target)) {
      for (const task of tasks) if (task.step === target) wanted.push(task);
    } else {
      const task = byOutput.get(path.resolve(cwd, target));
      if (task === undefined) {
        throw new PlanError(`Unknown target \`${target}\`: not a step of ${file} (${[...stepNames].join(', ')}) nor an output of one`);
      }
      wanted.push(task);
    }
  }
  const keep = new Set<number>();
  const byId = new Map(tasks.map((task) => [task.id, task]));
  const visit = (id: number): void => {
    if (keep.has(id)) return;
    keep.add(id);
    for (const need of dependencies.get(id) ?? []) visit(need);
  };
  for (const task of wanted) visit(task.id);
  return {
    tasks: tasks.filter((task) => keep.has(task.id)),
    dependencies: new Map([...dependencies].filter(([id]) => keep.has(id) && byId.has(id))),
    targets: new Set(wanted.map((task) => task.id)),
  };
}
