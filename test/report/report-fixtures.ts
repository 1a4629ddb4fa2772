import type { ReportAttempt, ReportData } from '../../src/report/html/report-data.ts';

/** An attempt with everything defaulted: task 1 of step `s`, succeeded, 0–100 ms. */
export function attempt(fields: Partial<ReportAttempt> = {}): ReportAttempt {
  return {
    taskId: 1,
    step: 's',
    attempt: 1,
    final: true,
    state: 'succeeded',
    command: 'true',
    error: null,
    exitCode: 0,
    signal: null,
    startedAt: 0,
    endedAt: 100,
    cpuMs: null,
    maxRssKb: null,
    logPath: null,
    ...fields,
  };
}

export function reportData(fields: Partial<ReportData> = {}): ReportData {
  return {
    run: {
      id: '20261125-145012-4242',
      command: 'sluice run',
      status: 'succeeded',
      hostname: 'host',
      root: '/work/project',
      startedAt: 0,
      endedAt: 1000,
    },
    steps: [],
    attempts: [],
    failures: [],
    generatedAt: 2000,
    ...fields,
  };
}
