// The log files a step declares (`log: 'logs/{sample}.log'`): the task writes them in place.
// Before an attempt their folders exist and no stale log of an earlier attempt is left to be
// taken for this one's; after a failed attempt their last lines join the report.

import fsSync from 'node:fs';
import path from 'node:path';
import type { Task } from '../kernel/task.ts';
import type { LogTail } from './executor.ts';
import { readTailLines } from '../kernel/read-tail.ts';

/**
 * Makes each log's folder and clears the log an earlier attempt left. A retry's predecessor (an
 * attempt of this run) is evidence: it moves to the run's log folder, as `<task>.<attempt>.log`
 * (`.log2`, … for further logs); a log of an earlier run is removed. Returns why it could not.
 */
export function prepareTaskLogs(task: Pick<Task, 'id' | 'cwd' | 'logs'>, attempt: number, logDir: string): string | undefined {
  const logs = task.logs;
  if (logs === undefined) return undefined;
  for (let i = 0; i < logs.length; i += 1) {
    const file = path.resolve(task.cwd, logs[i] as string);
    try {
      fsSync.mkdirSync(path.dirname(file), { recursive: true });
      if (attempt > 1 && keepPrevious(file, path.join(logDir, `${task.id}.${attempt - 1}.log${i === 0 ? '' : i + 1}`))) continue;
      fsSync.rmSync(file, { force: true });
    } catch (error) {
      return `could not prepare log \`${logs[i]}\`: ${(error as Error).message}`;
    }
  }
  return undefined;
}

function keepPrevious(file: string, kept: string): boolean {
  try {
    fsSync.mkdirSync(path.dirname(kept), { recursive: true });
    fsSync.renameSync(file, kept);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return true;
    if (code !== 'EXDEV') return false;
  }
  // Another file system: copy it, then the caller removes the original.
  try {
    fsSync.copyFileSync(file, kept);
  } catch {
    // Not kept; the new attempt's log replaces it all the same.
  }
  return false;
}

/** The last lines of each declared log (null: not written), paths as the task names them. */
export async function readLogTails(task: Pick<Task, 'cwd' | 'logs'>, lines: number): Promise<LogTail[] | undefined> {
  if (task.logs === undefined || task.logs.length === 0) return undefined;
  return Promise.all(
    task.logs.map(async (log): Promise<LogTail> => {
      const file = path.resolve(task.cwd, log);
      if (!fsSync.existsSync(file)) return { path: log, tail: null };
      return { path: log, tail: await readTailLines(file, lines) };
    }),
  );
}
