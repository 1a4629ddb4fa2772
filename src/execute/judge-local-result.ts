import fs from 'node:fs';
import path from 'node:path';
import type { LaunchResult } from '../process/launch-types.ts';
import type { AttemptStatus } from './executor.ts';

/** How a local process or function thread ended, and why it failed, in the words of a report. */
export function judgeLocalResult(result: LaunchResult, program: string): { status: AttemptStatus; error: string | undefined } {
  return { status: statusOf(result), error: result.spawnError === undefined ? undefined : describeError(program, result.spawnError) };
}

function describeError(program: string, error: { code: string; message: string }): string {
  if (error.code === 'EFUNCTION') return `the function threw: ${error.message}`;
  // The function called process.exit(): its message says so whole.
  if (error.code === 'EFUNCTIONEXIT') return error.message;
  return describeSpawnError(program, error);
}

/** The first of `files` whose folder's file system has no space left (statfs), if any. */
export function findFullFileSystem(files: readonly string[]): string | undefined {
  for (const file of files) {
    try {
      if (fs.statfsSync(path.dirname(file)).bavail === 0) return file;
    } catch {
      // The folder is gone: that says nothing about space.
    }
  }
  return undefined;
}

function statusOf(result: LaunchResult): AttemptStatus {
  if (result.timedOut) return 'timed out';
  if (result.cancelled) return 'cancelled';
  if (result.spawnError !== undefined) return 'failed';
  return result.exitCode === 0 ? 'succeeded' : 'failed';
}

function describeSpawnError(program: string, error: { code: string; message: string }): string {
  // A file the launcher opened for the task (a log, its output), not the program, may be what is missing.
  if (/standard (input|output|error) file|working directory|, open '/.test(error.message)) {
    return `could not start \`${program}\`: ${error.message}`;
  }
  if (error.code === 'ENOENT') {
    return `program \`${program}\` not found${program.includes('/') ? '' : ` on PATH (${process.env.PATH ?? ''})`}`;
  }
  if (error.code === 'EACCES') return `program \`${program}\` is not executable`;
  return `could not start \`${program}\`: ${error.message}`;
}
