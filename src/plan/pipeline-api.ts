// What most pipeline files import from 'sluice': the definition helpers and the errors. A bundled
// pipeline that imports nothing else loads this instead of all of sluice (narrow-sluice-import.ts):
// every worker thread of function steps loads the pipeline, and index.ts costs ~20 ms more there.
export { SluiceError, PlanError, BackendError } from '../errors.ts';
export { pipeline, step, cmd, sh, all } from './define-pipeline.ts';
export { expand } from './expand-paths.ts';
