// Helpers for the worker-thread tests: real pipeline files in temporary folders, planned by the
// real planner, run by the real function runner with staged (atomic) outputs.
import fs from 'node:fs';
import path from 'node:path';
import { createStagingArea, findMissingOutputs } from '../../src/execute/atomic-outputs.ts';
import type { FunctionResult, FunctionRunner } from '../../src/execute/worker/function-runner.ts';
import { loadPipeline } from '../../src/plan/load-pipeline.ts';
import { saveBundleFile } from '../../src/state/bundles/save-bundle-file.ts';
import { planPipeline, type PipelinePlan } from '../../src/plan/plan-pipeline.ts';
import type { ParamValue, Task } from '../../src/kernel/task.ts';
import { makeTempDir } from '../helpers/run-sluice.ts';

/** Writes `files` (path → content) into a new temporary folder; no package.json, no node_modules. */
export function writeProject(files: Readonly<Record<string, string>>): string {
  const dir = makeTempDir('sluice-worker-');
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

export async function planFile(file: string, params?: Readonly<Record<string, ParamValue>>): Promise<PipelinePlan> {
  const definition = await loadPipeline(file, saveBundleFile);
  return planPipeline(definition, { file, params: params ?? definition.params });
}

/** Runs one task as the local executor does: staged outputs, renamed into place on success. */
export async function runStaged(runner: FunctionRunner, task: Task, signal?: AbortSignal): Promise<FunctionResult> {
  const staging = createStagingArea(`test-${task.id}`);
  try {
    const staged = await staging.stage(task.outputs, task.cwd, new Set(task.outputs.keys()));
    const result = await runner.run(task, staged.paths, { signal });
    const missing = result.ok ? findMissingOutputs(staged, task.outputs) : [];
    if (!result.ok || missing.length > 0) {
      await staging.discard(staged);
      return result.ok ? { ok: false, message: `missing outputs: ${missing.join(', ')}` } : result;
    }
    await staging.commit(staged);
    return result;
  } finally {
    await staging.close();
  }
}

export function tasksOf(plan: PipelinePlan, step: string): Task[] {
  return plan.tasks.filter((task) => task.step === step);
}

export function read(dir: string, file: string): string {
  return fs.readFileSync(path.join(dir, file), 'utf8');
}
