// The public API. Every export is listed in test/api/exports.test.ts so the surface only
// changes on purpose.
export { SluiceError, PlanError, BackendError } from './errors.ts';
export { pipeline, step, cmd, sh, all } from './plan/define-pipeline.ts';
export type {
  PipelineDefinition,
  Step,
  StepSpec,
  StepContext,
  StepFunction,
  Gather,
  Params,
  WildcardsOf,
} from './plan/define-pipeline.ts';
export { TaskFailedError } from './schedule/task-failed-error.ts';
export type { Task, Action, Arg, ArgPart, Resources } from './plan/task.ts';
export { planMap, type MapPlanOptions } from './plan/plan-map.ts';
export { runTasks, type ScheduleOptions } from './schedule/run-tasks.ts';
export type { RunListener, RunSummary, TaskFailure } from './schedule/run-events.ts';
export type { Executor, ExecutorTraits, Attempt, AttemptOutcome } from './execute/executor.ts';
export { createLocalExecutor, type LocalExecutorOptions } from './execute/local-executor.ts';
export { createLauncher } from './process/create-launcher.ts';
export type { Launcher, LaunchRequest, LaunchResult, RunningProcess } from './process/launch-types.ts';
export { quoteArgv } from './process/quote-argv.ts';
export { map, type MapCallOptions } from './pool/map.ts';
export { createPool, type Pool, type PoolOptions, type MapFunction } from './pool/create-pool.ts';
export { MapItemError, PoolAbortError } from './pool/pool-errors.ts';
export { streamLines, ProcessFailedError, type StreamLinesOptions } from './process/stream-lines.ts';
