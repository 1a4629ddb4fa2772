import { formatDuration, formatKib } from './format-units.ts';
import type { ReportAttempt } from './report-data.ts';

/**
 * What an attempt used, in words, for its tooltip and its failure: `CPU 1.20 s (user 1.10 s,
 * system 0.10 s)`, `peak memory 75 MiB` (a command's largest process), `heap 40 MiB` (a
 * function's worker thread at its end). Empty when nothing was measured.
 */
export function describeUsage(attempt: Pick<ReportAttempt, 'cpuMs' | 'maxRssKb' | 'cpuUserUs' | 'cpuSystemUs' | 'heapKb'>): string[] {
  const { cpuUserUs, cpuSystemUs } = attempt;
  const split = cpuUserUs == null || cpuSystemUs == null ? '' : ` (user ${formatDuration(cpuUserUs / 1000)}, system ${formatDuration(cpuSystemUs / 1000)})`;
  return [
    attempt.cpuMs === null ? undefined : `CPU ${formatDuration(attempt.cpuMs)}${split}`,
    attempt.maxRssKb === null ? undefined : `peak memory ${formatKib(attempt.maxRssKb)}`,
    attempt.heapKb == null ? undefined : `heap ${formatKib(attempt.heapKb)}`,
  ].filter((part) => part !== undefined);
}
