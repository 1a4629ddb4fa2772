import path from 'node:path';
import type { LaunchRequest } from './launch-types.ts';

// Both launchers see the same absolute paths: `cwd` against sluice's own directory, the
// redirect files against `cwd`, so a relative path means the same thing in every backend.
export function resolveRequest(request: LaunchRequest): LaunchRequest {
  if (request.argv.length === 0 || request.argv[0] === '') {
    throw new TypeError(`Expected \`argv\` to name a program, got \`${JSON.stringify(request.argv)}\``);
  }
  const cwd = path.resolve(request.cwd);
  return {
    ...request,
    cwd,
    stdinPath: request.stdinPath === undefined ? undefined : path.resolve(cwd, request.stdinPath),
    stdoutPath: path.resolve(cwd, request.stdoutPath),
    stderrPath: path.resolve(cwd, request.stderrPath),
  };
}
