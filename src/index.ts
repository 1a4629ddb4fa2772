// The public API. Every export is listed in test/api/exports.test.ts so the surface only
// changes on purpose. Exports marked internal (a JSDoc tag) are used by sluice's own tests and tools but are
// not documented: they are left out of the published types (stripInternal) and may change.
export { SluiceError, PlanError, BackendError } from './errors.ts';
export { pipeline, step, cmd, sh, all, directory } from './plan/define-pipeline.ts';
export { expand, type WildcardValues } from './plan/expand-paths.ts';
export type {
  PipelineDefinition,
  Step,
  StepSpec,
  StepContext,
  StepFunction,
  Gather,
  Params,
  ParamsOf,
  ParamType,
  WildcardsOf,
} from './plan/define-pipeline.ts';
export { TaskFailedError } from './schedule/task-failed-error.ts';
export type { Task, Action, Arg, ArgPart, Resources } from './kernel/task.ts';
/** @internal */
export { planMap, type MapPlanOptions } from './plan/plan-map.ts';
/** @internal */
export { runTasks, type ScheduleOptions } from './schedule/run-tasks.ts';
/** @internal */
export type { RunListener, RunSummary, TaskFailure } from './schedule/run-events.ts';
/** @internal */
export type { Executor, ExecutorTraits, Attempt, AttemptOutcome } from './execute/executor.ts';
/** @internal */
export { createLocalExecutor, type LocalExecutorOptions } from './execute/local-executor.ts';
/** @internal */
export { createLauncher } from './process/create-launcher.ts';
/** @internal */
export type { Launcher, LaunchRequest, LaunchResult, RunningProcess } from './process/launch-types.ts';
/** @internal */
export { quoteArgv } from './kernel/quote-argv.ts';
export { map, type MapCallOptions } from './pool/map.ts';
/** @internal */
export { createPool, type Pool, type PoolOptions } from './pool/create-pool.ts';
export type { MapFunction } from './pool/create-pool.ts';
export { MapItemError, PoolAbortError } from './pool/pool-errors.ts';
export { streamLines, ProcessFailedError, type StreamLinesOptions } from './process/stream-lines.ts';
