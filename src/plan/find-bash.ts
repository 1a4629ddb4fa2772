import { PlanError } from '../errors.ts';
import { findProgram } from './find-program.ts';

/**
 * The bash that runs `sh()` steps in strict mode, found when the pipeline is planned: without
 * it, a plan error names the step instead of every task failing.
 */
export function findBashFor(step: string, file: string, cwd: string, searchPath = process.env.PATH ?? ''): string {
  return findStrictBash(cwd, searchPath, (message, cause) =>
    new PlanError(
      `${message}: step \`${step}\` of ${file} is an sh(...) script, which runs with bash in strict mode ` +
        '(set -euo pipefail). Install bash, or write the step as cmd(...)',
      { file, step, field: 'run', cause },
    ),
  );
}

/** The same for `sluice map --shell`, whose script runs as an sh() step's does. */
export function findBashForMap(cwd: string, searchPath = process.env.PATH ?? ''): string {
  return findStrictBash(cwd, searchPath, (message, cause) =>
    new PlanError(
      `${message}: \`sluice map --shell\` runs COMMAND with bash in strict mode (set -euo pipefail). ` +
        'Install bash, or give the command without --shell (argv: each word one argument)',
      { cause },
    ),
  );
}

function findStrictBash(cwd: string, searchPath: string, explain: (message: string, cause: PlanError) => PlanError): string {
  try {
    return findProgram('bash', cwd, searchPath);
  } catch (error) {
    if (!(error instanceof PlanError)) throw error;
    throw explain(error.message, error);
  }
}
