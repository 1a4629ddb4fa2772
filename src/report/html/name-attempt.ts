import type { ReportAttempt } from './report-data.ts';

/**
 * How the report names an attempt's task, as the terminal does: step and wildcards,
 * `bwa_map[sample=A]`. A run recorded before names were kept (state version 6) gives the step
 * and the file the task makes, `check · out/b.ok`.
 */
export function nameAttempt(attempt: Pick<ReportAttempt, 'step' | 'name' | 'target'>): string {
  if (attempt.name !== undefined && attempt.name !== null) return attempt.name;
  return attempt.target === undefined || attempt.target === null ? attempt.step : `${attempt.step} · ${attempt.target}`;
}
