import fs from 'node:fs';
import path from 'node:path';
import { isTerminalState, type JobReport } from './job-state.ts';
import { splitJobId } from './parse-job-id.ts';
import { readJsonFile, type Marker } from './task-files.ts';
import type { WatchedAttempt } from './watcher-context.ts';

// What the watcher learns about its attempts at each poll: the markers the nodes wrote and the
// job states squeue and sacct report. judge-attempt.ts weighs them.

/** Reads the markers that appeared, one directory listing per folder. */
export function readMarkers(watched: Iterable<WatchedAttempt>, now: number): void {
  const byFolder = new Map<string, WatchedAttempt[]>();
  for (const attempt of watched) {
    if (attempt.marker !== undefined) continue;
    const folder = path.dirname(attempt.markerFile);
    byFolder.set(folder, [...(byFolder.get(folder) ?? []), attempt]);
  }
  for (const [folder, attempts] of byFolder) {
    let names: Set<string>;
    try {
      names = new Set(fs.readdirSync(folder));
    } catch {
      continue;
    }
    for (const attempt of attempts) {
      // A shared file system may list a folder late; look a finished job's marker up by name.
      if (!names.has(path.basename(attempt.markerFile)) && attempt.endedWithoutMarkerSince === undefined) continue;
      const marker = readJsonFile<Marker>(attempt.markerFile);
      if (marker !== undefined) {
        attempt.marker = marker;
        attempt.markerSeenAt = now;
      }
    }
  }
}

// A marker of an attempt that ran its course says it all; otherwise ask Slurm.
export const needsState = (attempt: WatchedAttempt): boolean =>
  attempt.marker === undefined || attempt.marker.signalledBySlurm === true;

/** The jobs (array jobs once) that run the attempts. */
export const jobsOf = (attempts: readonly WatchedAttempt[]): string[] => [
  ...new Set(attempts.map((attempt) => splitJobId(attempt.jobId as string).job)),
];

/** Records the reports; returns the attempts that none of them mentions and not seen ending. */
export function applyReports(attempts: readonly WatchedAttempt[], reports: readonly JobReport[], now: number): WatchedAttempt[] {
  const byId = new Map(reports.map((report) => [report.id, report]));
  const unseen: WatchedAttempt[] = [];
  for (const attempt of attempts) {
    const report = byId.get(attempt.jobId as string);
    if (report !== undefined) {
      attempt.report = report;
      attempt.missingSince = undefined;
      if (isTerminalState(report.state) && attempt.marker === undefined) attempt.endedWithoutMarkerSince ??= now;
    } else if (attempt.report === undefined || !isTerminalState(attempt.report.state)) {
      unseen.push(attempt);
    }
  }
  return unseen;
}
