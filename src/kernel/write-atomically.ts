// A file written whole or not at all: the contents go to a private name in the same folder (so the
// same file system), which is then renamed over the file. A reader sees the old file or the new
// one, never half of one; a failed write leaves the old file and no temporary behind.
//
// Not fsynced: what sluice writes this way (reports, snapshots, caches, Slurm task files) is either
// derived again when it is missing or damaged, or read back within the same run. The rename keeps
// readers from ever seeing a partial file, which is the promise that matters here.

import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';

export interface AtomicWriteOptions {
  /** Make the file's folder first (and its parents). */
  readonly makeFolder?: boolean | undefined;
}

// Names longer than NAME_MAX (255 bytes on Linux) cannot be created: a long file name is cut in
// its private copy, which only needs to be unique.
const MAX_KEPT_NAME_BYTES = 180;

/** The private name a write of `file` goes to: beside it, unique to this process and call. */
export function temporaryNameFor(file: string): string {
  const folder = path.dirname(file);
  let base = path.basename(file);
  if (Buffer.byteLength(base) > MAX_KEPT_NAME_BYTES) base = Buffer.from(base).subarray(0, MAX_KEPT_NAME_BYTES).toString('utf8').replace(/\uFFFD+$/, '');
  const unique = `${process.pid}.${Math.random().toString(36).slice(2, 10)}`;
  return path.join(folder, `${base}.${unique}.tmp`);
}

/**
 * Removes the private copies that writes into `folder` left when their process was killed
 * mid-write (kill -9, power loss): never renamed into place, they are garbage, as large as the
 * file (a kept plan of 250,000 tasks: ~50 MB). Left: a copy whose process is alive, one written
 * in the last minute (a write in progress, perhaps by another machine sharing the folder, whose
 * pids mean nothing here: no write of sluice's takes that long), and anything that is not such a
 * copy. `isAlive`: whether a process id is running (lock/process-start.ts's isProcessAlive).
 * Never throws.
 */
export function removeLeftTemporaries(folder: string, isAlive: (pid: number) => boolean): void {
  let names: string[];
  try {
    names = fs.readdirSync(folder);
  } catch {
    return;
  }
  const before = Date.now() - LEFT_AFTER_MS;
  for (const name of names) {
    const pid = Number(TEMPORARY_NAME.exec(name)?.[1] ?? 0);
    if (pid <= 0 || pid === process.pid || isAlive(pid)) continue;
    const file = path.join(folder, name);
    const written = statQuietly(file)?.mtimeMs;
    if (written !== undefined && written < before) removeQuietly(file);
  }
}

const LEFT_AFTER_MS = 60_000;

// A stat that fails (EACCES, say) leaves the file alone.
function statQuietly(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

// `<name>.<pid>.<random>.tmp`, as temporaryNameFor makes it.
const TEMPORARY_NAME = /\.(\d+)\.[0-9a-z]{1,8}\.tmp$/;

/** Writes `contents` to `file` whole or not at all; throws the file system's error as it came. */
export function writeFileAtomically(file: string, contents: string | Uint8Array, options: AtomicWriteOptions = {}): void {
  if (options.makeFolder === true) fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = temporaryNameFor(file);
  try {
    fs.writeFileSync(temporary, contents);
    fs.renameSync(temporary, file);
  } catch (error) {
    removeQuietly(temporary);
    throw error;
  }
}

/** writeFileAtomically without blocking the event loop. */
export async function writeFileAtomicallyAsync(file: string, contents: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  if (options.makeFolder === true) await fsp.mkdir(path.dirname(file), { recursive: true });
  const temporary = temporaryNameFor(file);
  try {
    await fsp.writeFile(temporary, contents);
    await fsp.rename(temporary, file);
  } catch (error) {
    await fsp.rm(temporary, { force: true }).catch(() => undefined);
    throw error;
  }
}

// The write's own error is the one to report, not a failure to clean up after it.
function removeQuietly(file: string): void {
  try {
    fs.rmSync(file, { force: true });
  } catch {
    // left behind: the write's error says what went wrong
  }
}
