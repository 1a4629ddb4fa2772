import type { JobReport } from './job-state.ts';
import { readReportIds } from './parse-job-id.ts';

// `squeue -h -t all -j IDS -O JobArrayID:|,State:|,exit_code:|,Reason:` prints one line per job,
// `|`-separated without padding: `1234_7|FAILED|768|NonZeroExitCode`. Pending tasks of an array
// share a line (`1234_[8-20]|PENDING|0|Resources`); exit_code is the raw wait status.

/** The argv of the one squeue call per polling cycle (ids: plain or array job ids). */
export function buildSqueueArgv(jobs: readonly string[]): string[] {
  return ['squeue', '--noheader', '--states=all', `--jobs=${jobs.join(',')}`, '--Format=JobArrayID:|,State:|,exit_code:|,Reason:'];
}

/** One report per job or array task; lines that do not parse are skipped (no news). */
export function parseSqueue(text: string): JobReport[] {
  const reports: JobReport[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split('|');
    if (fields.length < 3) continue;
    const [id = '', state = '', status = '', ...reason] = fields.map((field) => field.trim());
    const ids = readReportIds(id, state);
    if (ids === undefined) continue;
    const raw = /^\d+$/.test(status) ? Number(status) : null;
    const ended = raw !== null && !['PENDING', 'RUNNING', 'CONFIGURING', 'SUSPENDED'].includes(state);
    for (const each of ids) {
      reports.push({
        id: each,
        state,
        exitCode: ended ? (raw as number) >> 8 : null,
        signal: ended ? (raw as number) & 0x7f : null,
        reason: reason.join('|'),
      });
    }
  }
  return reports;
}

/** squeue fails with this when every job it was asked about has left the controller's memory. */
export function isUnknownJobsError(stderr: string): boolean {
  return /Invalid job id specified/i.test(stderr);
}
