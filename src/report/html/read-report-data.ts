import fs from 'node:fs/promises';
import { readTailLines } from '../../kernel/read-tail.ts';
import type { StateStore } from '../../state/store/open-store.ts';
import { listRuns, readRun } from '../../state/journal/read-history.ts';
import type { RunRecord } from '../../state/journal/record-run.ts';
import { readRounds } from './read-rounds.ts';
import { MAX_FAILURES_SHOWN } from './render-failures.ts';
import type { ReportAttempt, ReportData, ReportFailure } from './report-data.ts';

export interface ReadReportOptions {
  /** Lines of standard error shown per failure. Default 20. */
  readonly stderrTailLines?: number;
  readonly now?: number;
}

/** The run to report on: the given id, or the newest run; undefined when there is none. */
export function findReportRun(store: StateStore, runId?: string): RunRecord | undefined {
  return runId === undefined ? listRuns(store, 1)[0] : readRun(store, runId);
}

/**
 * Everything a report shows of one recorded run, with the rounds it ends (read-rounds.ts); stderr
 * tails come from the attempts' logs.
 */
export async function readReportData(store: StateStore, run: RunRecord, options: ReadReportOptions = {}): Promise<ReportData> {
  const now = options.now ?? Date.now();
  const { startedAt, records, rank, steps } = readRounds(store, run);
  // A run that never finished (crashed, or still running) ends, for the drawing, at its last news.
  let endedAt = run.finishedAt ?? run.startedAt;
  if (run.finishedAt === null) for (const record of records) endedAt = Math.max(endedAt, record.finishedAt ?? record.startedAt);
  const lastAttempt = new Map<number, number>();
  records.forEach((record, index) => lastAttempt.set(record.taskId, Math.max(lastAttempt.get(record.taskId) ?? 0, rank(index))));
  const attempts: ReportAttempt[] = records.map((record, index) => ({
    taskId: record.taskId,
    step: record.step,
    name: record.taskName,
    target: readTarget(record.taskKey),
    attempt: record.attempt,
    final: lastAttempt.get(record.taskId) === rank(index),
    state: record.state,
    command: record.command,
    error: record.error,
    exitCode: record.exitCode,
    signal: record.signal,
    startedAt: record.startedAt,
    endedAt: Math.max(record.startedAt, record.finishedAt ?? endedAt),
    cpuMs: record.cpuMs,
    maxRssKb: record.maxRssKb,
    cpuUserUs: record.cpuUserUs,
    cpuSystemUs: record.cpuSystemUs,
    heapKb: record.heapKb,
    wildcards: record.wildcards,
    logPath: record.logPath,
  }));
  const failed = attempts.filter((attempt) => attempt.final && (attempt.state === 'failed' || attempt.state === 'timed out'));
  failed.sort((a, b) => a.endedAt - b.endedAt || a.taskId - b.taskId);
  const failures: ReportFailure[] = await Promise.all(
    failed.map(async (attempt, index) => ({
      attempt,
      attempts: attempt.attempt,
      // Only the failures the page shows need their log read.
      stderrTail: index < MAX_FAILURES_SHOWN ? await readTail(attempt.logPath, options.stderrTailLines ?? 20) : null,
    })),
  );
  return {
    run: {
      id: run.id,
      command: run.command,
      status: run.status,
      hostname: run.hostname,
      root: store.root,
      startedAt,
      endedAt,
    },
    steps,
    attempts,
    failures,
    generatedAt: now,
  };
}

// The task key (state/freshness/task-key.ts) is JSON [step, outputs] or [step, [], inputs].
function readTarget(key: string): string | null {
  try {
    const parsed: unknown = JSON.parse(key);
    if (!Array.isArray(parsed)) return null;
    const [, outputs, inputs] = parsed as [unknown, unknown, unknown];
    const first = Array.isArray(outputs) && outputs.length > 0 ? outputs[0] : Array.isArray(inputs) ? inputs[0] : undefined;
    return typeof first === 'string' ? first : null;
  } catch {
    return null;
  }
}

// No path: the attempt wrote nothing to standard error (an empty stream leaves no file).
async function readTail(logPath: string | null, lines: number): Promise<string[] | null> {
  if (logPath === null || logPath === '') return [];
  try {
    await fs.access(logPath);
  } catch {
    return null;
  }
  return readTailLines(logPath, lines);
}
