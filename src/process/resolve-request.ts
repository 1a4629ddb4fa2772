import path from 'node:path';
import type { LaunchRequest } from './launch-types.ts';

// Both launchers see the same absolute paths: `cwd` against sluice's own directory, the
// redirect files against `cwd`, so a relative path means the same thing in every backend.
export function resolveRequest(request: LaunchRequest): LaunchRequest {
  if (request.argv.length === 0 || request.argv[0] === '') {
    throw new TypeError(`Expected \`argv\` to name a program, got \`${JSON.stringify(request.argv)}\``);
  }
  const cwd = isAbsolute(request.cwd) ? request.cwd : path.resolve(request.cwd);
  const { stdinPath, stdoutPath, stderrPath, watchFiles } = request;
  if (
    cwd === request.cwd && isAbsolute(stdoutPath) && isAbsolute(stderrPath) && (stdinPath === undefined || isAbsolute(stdinPath)) &&
    (watchFiles === undefined || watchFiles.every(isAbsolute))
  ) {
    return request; // the usual case, kept cheap: this runs once per task
  }
  return {
    ...request,
    cwd,
    stdinPath: stdinPath === undefined ? undefined : absolute(cwd, stdinPath),
    stdoutPath: absolute(cwd, stdoutPath),
    stderrPath: absolute(cwd, stderrPath),
    watchFiles: watchFiles?.map((file) => absolute(cwd, file)),
  };
}

function isAbsolute(file: string): boolean {
  return file.charCodeAt(0) === 47; // '/'
}

function absolute(base: string, file: string): string {
  return isAbsolute(file) ? file : path.resolve(base, file);
}
