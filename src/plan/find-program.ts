import fs from 'node:fs';
import path from 'node:path';
import { PlanError } from '../errors.ts';

/**
 * Resolves a program name the way execvp does (PATH search unless it contains a slash), so a
 * misspelt program stops the run before anything starts instead of failing every task.
 */
export function findProgram(program: string, cwd: string, searchPath = process.env.PATH ?? ''): string {
  if (program.includes('/')) {
    const resolved = path.resolve(cwd, program);
    if (!isExecutableFile(resolved)) {
      throw new PlanError(`Program \`${program}\` not found or not executable (looked at ${resolved})`);
    }
    return resolved;
  }
  const folders = searchPath.split(':').map((folder) => (folder === '' ? '.' : folder));
  for (const folder of folders) {
    const candidate = path.resolve(cwd, folder, program);
    if (isExecutableFile(candidate)) return candidate;
  }
  throw new PlanError(`Program \`${program}\` not found on PATH (searched ${searchPath})`);
}

function isExecutableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
