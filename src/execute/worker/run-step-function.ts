// Thread side of function steps: find the step's function in its pipeline file and call it.
import path from 'node:path';
import type { Params, PipelineDefinition, Step } from '../../plan/define-pipeline.ts';
import { loadPipeline } from '../../plan/load-pipeline.ts';
import { mapBundleFrames } from '../../plan/locate-error.ts';
import { saveBundleFile } from '../../state/bundles/save-bundle-file.ts';
import { digestFileSync } from '../../state/hashes/digest-file.ts';
import type { FileDigest } from '../../state/hashes/remembered-hashes.ts';
import type { TaskUsage } from '../../kernel/task-usage.ts';
import { buildStepContext } from './build-step-context.ts';
import { startUsageMeter } from './measure-thread-usage.ts';
import type { FunctionResult, StepRequest } from './function-runner.ts';

// Each thread imports a pipeline file once (loadPipeline installs the same tsx and `sluice`
// hooks the planner used) and builds its steps once per set of parameter values.
const definitions = new Map<string, Promise<PipelineDefinition>>();
const stepSets = new Map<string, Readonly<Record<string, Step>>>();

export async function runStepFunction({ task, outputs, digest, hashInputs }: StepRequest): Promise<FunctionResult> {
  const action = task.action;
  if (action.kind !== 'function') {
    return { ok: false, message: `Task ${task.id} of step \`${task.step}\` has no function to run (this is a bug in sluice)` };
  }
  let found: FoundStep;
  try {
    found = await findStep(action.module, action.step, task.params);
  } catch (error) {
    return describeFailure(error);
  }
  const { step, params } = found;
  const where = `step \`${action.step}\` of ${action.module}`;
  if (step === undefined) {
    return { ok: false, message: `There is no ${where} any more; run sluice again to plan the pipeline as it is now` };
  }
  if (typeof step.run !== 'function') {
    return { ok: false, message: `The ${where} is no longer a function; run sluice again to plan the pipeline as it is now` };
  }
  if (step.run.toString() !== action.source) {
    return { ok: false, message: `The function of ${where} changed since the run was planned; run sluice again to plan with the new code` };
  }
  const context = buildStepContext({ ...task, params }, step, outputs);
  // Hashed as the function is about to read them: the signature says what it read.
  const inputDigests = hashInputs === undefined ? undefined : digestFiles(task.inputs.map((input) => path.resolve(task.cwd, input)), hashInputs);
  // Only the function's own work is measured: not the loading of the pipeline, nor the hashing.
  const meter = startUsageMeter();
  try {
    await step.run(context as Parameters<typeof step.run>[0]);
  } catch (error) {
    const usage = meter.stop();
    return { ...describeFailure(error), ...(usage === undefined ? {} : { usage }) };
  }
  const usage = meter.stop();
  const result: { ok: true; digests?: (FileDigest | undefined)[]; inputDigests?: (FileDigest | undefined)[]; usage?: TaskUsage } = { ok: true };
  if (usage !== undefined) result.usage = usage;
  if (digest !== undefined) result.digests = digestFiles(outputs, digest);
  if (inputDigests !== undefined) result.inputDigests = inputDigests;
  return result;
}

// A file that cannot be hashed (missing: the executor reports it) is simply not remembered.
function digestFiles(files: readonly string[], indexes: readonly number[]): (FileDigest | undefined)[] {
  const digests: (FileDigest | undefined)[] = files.map(() => undefined);
  for (const index of indexes) {
    const file = files[index];
    if (file === undefined) continue;
    try {
      digests[index] = digestFileSync(file);
    } catch {
      // Unreadable: the task that reads it will say so.
    }
  }
  return digests;
}

/** Starts loading a pipeline file before a task needs it; a failure is the first task's to report. */
export function preloadPipeline(module: string): void {
  if (definitions.has(module)) return;
  const loading = loadPipeline(module, saveBundleFile);
  loading.catch(() => {});
  definitions.set(module, loading);
}

interface FoundStep {
  readonly step: Step | undefined;
  /** The parameter values the steps were made with. */
  readonly params: Params;
}

async function findStep(module: string, name: string, params: Params | undefined): Promise<FoundStep> {
  let loading = definitions.get(module);
  if (loading === undefined) {
    loading = loadPipeline(module, saveBundleFile);
    definitions.set(module, loading);
  }
  const definition = await loading;
  const values = params ?? definition.params;
  const key = `${module}\0${JSON.stringify(values)}`;
  let steps = stepSets.get(key);
  if (steps === undefined) {
    steps = definition.steps(values);
    stepSets.set(key, steps);
  }
  return { step: Object.hasOwn(steps, name) ? steps[name] : undefined, params: values };
}

/** A thrown value as a failed result: the reason first, with the error's name when it says more. */
export function describeFailure(error: unknown): FunctionResult {
  if (error instanceof Error) {
    const reason = error.name === 'Error' || error.message.startsWith(error.name) ? error.message : `${error.name}: ${error.message}`;
    // The frames in the pipeline's bundle point at the user's own file instead.
    return { ok: false, message: reason, stack: error.stack === undefined ? undefined : mapBundleFrames(error.stack) };
  }
  return { ok: false, message: `the function threw ${typeof error === 'string' ? JSON.stringify(error) : String(error)}` };
}
