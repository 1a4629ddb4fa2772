import type { JobReport } from './job-state.ts';
import { readReportIds } from './parse-job-id.ts';

// `sacct -n -X -P -o JobID,State,ExitCode -j IDS` prints `1234_7|CANCELLED by 0|0:15`: the state
// (with who cancelled it) and `exit code:signal`. It only works where slurmdbd keeps accounting.

export function buildSacctArgv(jobs: readonly string[]): string[] {
  return ['sacct', '--noheader', '--allocations', '--parsable2', '--format=JobID,State,ExitCode', `--jobs=${jobs.join(',')}`];
}

export function parseSacct(text: string): JobReport[] {
  const reports: JobReport[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split('|');
    if (fields.length < 3) continue;
    const [id = '', stateText = '', exit = ''] = fields.map((field) => field.trim());
    const state = stateText.split(' ')[0] ?? '';
    const ids = readReportIds(id, state);
    if (ids === undefined) continue;
    const codes = /^(\d+):(\d+)$/.exec(exit);
    const ended = codes !== null && !['PENDING', 'RUNNING', 'REQUEUED', 'SUSPENDED'].includes(state);
    for (const each of ids) {
      reports.push({
        id: each,
        state,
        exitCode: ended ? Number(codes[1]) : null,
        signal: ended ? Number(codes[2]) : null,
        reason: stateText.slice(state.length).trim(),
      });
    }
  }
  return reports;
}

/** sacct's answer on a cluster without slurmdbd: there is nothing to ask, ever. */
export function isAccountingDisabled(stderr: string): boolean {
  return /accounting storage is disabled/i.test(stderr);
}
