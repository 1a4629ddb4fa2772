// Entry of the worker threads that run function steps.
import { serveJobs } from '../../pool/serve-jobs.ts';
import type { FunctionResult, StepRequest } from './function-runner.ts';
import { describeFailure, runStepFunction } from './run-step-function.ts';

serveJobs<StepRequest, FunctionResult>(runStepFunction, describeFailure);
