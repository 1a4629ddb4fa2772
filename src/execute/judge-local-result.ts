import fs from 'node:fs';
import type { LaunchResult } from '../process/launch-types.ts';
import type { AttemptStatus, NoSpaceLeft } from './executor.ts';
import { findFullFileSystem } from '../kernel/full-file-system.ts';

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

/**
 * Where a failed attempt met a full disk: the first of its outputs and of its logs (the captures
 * of its standard output and error) whose file system has no space left, if any. Looked at before
 * partial outputs are removed and captures trimmed, which free the space again. `spawnError`: why
 * the launcher could not start the task, if it could not.
 */
export function findNoSpaceLeft(
  outputs: readonly string[],
  logs: readonly (string | undefined)[],
  spawnError?: { readonly code: string },
): NoSpaceLeft | undefined {
  const output = outputs.find((file) => findFullFileSystem(file) !== undefined);
  // The longest log on a full file system; beside a full output, only one the task wrote to.
  let log: string | undefined;
  let longest = output === undefined ? -1 : 0;
  for (const file of logs) {
    if (file === undefined || findFullFileSystem(file) === undefined) continue;
    const size = fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0;
    if (size > longest) [log, longest] = [file, size];
  }
  // The launcher could not make the captures for want of room: the file system may have room
  // again by now (the launcher removes other tasks' empty captures), so statfs cannot say.
  if (log === undefined && output === undefined && (spawnError?.code === 'ENOSPC' || spawnError?.code === 'EDQUOT')) {
    log = logs.find((file) => file !== undefined);
  }
  if (output === undefined && log === undefined) return undefined;
  return { output, log, full: findFullFileSystem((output ?? log) as string) ?? 'space' };
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
