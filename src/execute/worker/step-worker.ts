// Entry of the worker threads that run function steps.
import { workerData } from 'node:worker_threads';
import { serveJobs } from '../../pool/serve-jobs.ts';
import type { FunctionResult, StepRequest } from './function-runner.ts';
import { describeFailure, preloadPipeline, runStepFunction } from './run-step-function.ts';

// Serving first: it tags the processes of this thread, so that a pipeline file that starts one
// as it loads is tagged too.
serveJobs<StepRequest, FunctionResult>(runStepFunction, describeFailure);

for (const module of (workerData as { preload?: readonly string[] } | null)?.preload ?? []) preloadPipeline(module);
