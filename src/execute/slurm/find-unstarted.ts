import type { WatchedAttempt } from './watcher-context.ts';

/**
 * Whether the array element that ran the attempt stopped before the attempt's turn: the node runs
 * a pack's tasks in turn and writes each one's marker as it ends, so a task after one that left
 * no marker (or whose marker says Slurm's signal stopped it, or that went out again) never started.
 */
export function wasNeverStarted(attempt: WatchedAttempt): boolean {
  const mates = attempt.packMates;
  if (mates === undefined || attempt.marker !== undefined) return false;
  const at = mates.indexOf(attempt);
  return mates
    .slice(0, Math.max(0, at))
    .some((mate) => mate.jobId !== attempt.jobId || mate.marker === undefined || mate.marker.signalledBySlurm === true);
}
