// The first line of a kept plan (kept-plan.ts): what else than the tasks' files the plan depends
// on, and whether it still holds.

import fs from 'node:fs';
import { statFile } from '../hashes/stat-file.ts';
import { ABSENT, fullStampOf } from './check-stamps.ts';
import type { PlanIdentity } from './kept-plan.ts';
import type { UnchangedFiles } from './unchanged-files.ts';

// 2: a line per task, each read back alone (pack-tasks.ts), and the index narrowing reads.
export const VERSION = 2;

export interface Header {
  readonly version: number;
  readonly key: string;
  readonly jobs: number;
  readonly path: string;
  readonly folders: readonly (readonly [string, string])[];
}

export function parseHeader(line: string): Header | undefined {
  try {
    return JSON.parse(line) as Header;
  } catch {
    return undefined;
  }
}

// Why the kept plan is not the one to use, in words for SLUICE_DEBUG; undefined when it is. A
// folder that cannot be looked at (EACCES, say) is for planning to say.
export function checkCurrent(header: Header | undefined, identity: PlanIdentity, unchanged: UnchangedFiles): string | undefined {
  try {
    return whyNotCurrent(header, identity, unchanged);
  } catch (error) {
    return `cannot be checked (${(error as Error).message})`;
  }
}

function whyNotCurrent(header: Header | undefined, identity: PlanIdentity, unchanged: UnchangedFiles): string | undefined {
  if (header === undefined || header.version !== VERSION || !Array.isArray(header.folders)) return 'is unreadable';
  if (header.key !== identity.key) return 'is of another pipeline, parameters, steps or targets';
  if (header.jobs !== identity.jobs || header.path !== identity.path) return 'was made with another -j or PATH';
  for (const [folder, stamp] of header.folders) {
    const now = statFile(folder);
    if ((now === undefined ? ABSENT : fullStampOf(now)) !== stamp) return `listed ${folder}, which changed`;
  }
  const { paths, changed, base } = unchanged;
  for (let i = 0; i < paths.length; i += 1) {
    if (changed[i] !== 1) continue;
    const name = paths[i] as string;
    const file = name.startsWith('/') || base === '' ? name : `${base}/${name}`;
    if (!isFile(file)) return `names ${file}, which is no longer a file`;
  }
  return undefined;
}

// Whether `file` is a regular file (or a link to one); not when its folder is a file (ENOTDIR).
function isFile(file: string): boolean {
  try {
    return fs.statSync(file, { throwIfNoEntry: false })?.isFile() === true;
  } catch {
    return false;
  }
}

// The first line of the file kept at `file`, or undefined (none, or unreadable: a folder, say). Read
// a chunk at a time: a header that lists many folders is longer than one read.
export function readHeaderLine(file: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const chunks: Buffer[] = [];
    for (let at = 0; ; ) {
      const chunk = Buffer.allocUnsafe(64 * 1024);
      const read = fs.readSync(fd, chunk, 0, chunk.length, at);
      const end = chunk.subarray(0, read).indexOf(10);
      chunks.push(chunk.subarray(0, end < 0 ? read : end));
      if (end >= 0) return Buffer.concat(chunks).toString('utf8');
      if (read === 0) return undefined;
      at += read;
    }
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
