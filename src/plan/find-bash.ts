import { PlanError } from '../errors.ts';
import { findProgram } from './find-program.ts';

/**
 * The bash that runs `sh()` steps in strict mode, found when the pipeline is planned: without
 * it, a plan error names the step instead of every task failing.
 */
export function findBashFor(step: string, file: string, cwd: string, searchPath = process.env.PATH ?? ''): string {
  try {
    return findProgram('bash', cwd, searchPath);
  } catch (error) {
    if (!(error instanceof PlanError)) throw error;
    throw new PlanError(
      `${error.message}: step \`${step}\` of ${file} is an sh(...) script, which runs with bash in strict mode ` +
        '(set -euo pipefail). Install bash, or write the step as cmd(...)',
      { file, step, field: 'run', cause: error },
    );
  }
}
