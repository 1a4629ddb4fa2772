import path from 'node:path';
import { renderArgv, threadsOf } from '../../kernel/render-action.ts';
import { describeAttemptEnd } from '../../kernel/describe-attempt-end.ts';
import type { AttemptOutcome, AttemptStatus } from '../executor.ts';
import { readTailLines } from '../../kernel/read-tail.ts';
import { readLogTails } from '../task-logs.ts';
import type { Verdict } from './judge-attempt.ts';
import type { JobWatcherOptions, WatchedAttempt } from './watch-jobs.ts';

/**
 * The outcome the scheduler gets for a judged attempt: the node's logs and times when its marker
 * spoke, the job's output otherwise; a success is recorded first, and every failure names the
 * Slurm job and its output file.
 */
export async function buildOutcome(
  attempt: WatchedAttempt,
  verdict: Verdict & { done: true },
  options: Pick<JobWatcherOptions, 'commit' | 'stderrTailLines'>,
): Promise<AttemptOutcome> {
  const { task, marker } = attempt;
  const node = verdict.fromMarker && marker !== undefined ? marker : undefined;
  let status: AttemptStatus = verdict.status;
  let reason = verdict.reason;
  const startedAt = node?.startedAt ?? attempt.submittedAt ?? Date.now();
  const endedAt = node?.endedAt ?? Date.now();
  if (status === 'succeeded') {
    try {
      await options.commit(task, attempt.attempt, startedAt, endedAt);
    } catch (error) {
      status = 'failed';
      reason = `the job succeeded but sluice could not record it: ${(error as Error).message}`;
    }
  }
  const stderrLog = node?.stderrLog ?? attempt.output ?? '';
  let error: string | undefined;
  if (status !== 'succeeded') {
    const why = reason ?? plainReason(verdict);
    const output = attempt.output === undefined ? '' : path.relative(task.cwd, attempt.output) || attempt.output;
    error = attempt.jobId === undefined ? why : `${why} (Slurm job ${attempt.jobId}, job output ${output})`;
  }
  return {
    status,
    exitCode: verdict.exitCode,
    signal: verdict.signal,
    error,
    argv: renderArgv(task.action, task.outputs, threadsOf(task)),
    startedAt,
    endedAt,
    stderrLog,
    stdoutLog: node?.stdoutLog,
    usage: node?.usage,
    stderrTail: status === 'succeeded' ? [] : (node?.stderrTail ?? (await readTailLines(stderrLog, options.stderrTailLines))),
    // The node read them as the attempt ended; without its marker, read here (shared file system).
    logTails: status === 'succeeded' ? undefined : (node?.logTails ?? (await readLogTails(task, options.stderrTailLines ?? 10))),
    job: attempt.jobId === undefined ? undefined : { id: attempt.jobId, output: attempt.output ?? '' },
    silentMs: status === 'timed out' ? node?.silentMs : undefined,
  };
}

function plainReason(verdict: Verdict & { done: true }): string {
  return describeAttemptEnd({ exitCode: verdict.exitCode, signal: verdict.signal, timedOut: verdict.status === 'timed out', cancelled: verdict.status === 'cancelled' });
}
