// A launcher started before its run holds the lock (sluice-launcher.py takes ~40-100 ms to be
// ready, which then overlaps opening the state): what it tells its watcher waits until the run
// adopts it, when the session's recorder exists and what a killed run left has been ended and
// forgotten. No task starts before that: only the run's executor starts tasks.
import type { GroupWatcher } from './launch-types.ts';

export interface DeferredWatcher extends GroupWatcher {
  readonly ledgerDir: string;
  /** From now on `watcher` is told, first of what was told before. Once. */
  attach(watcher: GroupWatcher | undefined): void;
}

export function deferWatcher(ledgerDir: string): DeferredWatcher {
  let target: GroupWatcher | undefined;
  let attached = false;
  const waiting: Array<(watcher: GroupWatcher) => void> = [];
  const tell = (call: (watcher: GroupWatcher) => void): void => {
    if (!attached) waiting.push(call);
    else if (target !== undefined) call(target);
  };
  return {
    ledgerDir,
    groupStarted: (pgid, leaderStart) => tell((watcher) => watcher.groupStarted(pgid, leaderStart)),
    groupEnded: (pgid) => tell((watcher) => watcher.groupEnded(pgid)),
    helperStarted: (pid, start) => tell((watcher) => watcher.helperStarted?.(pid, start)),
    attach(watcher) {
      if (attached) return;
      attached = true;
      target = watcher;
      for (const call of waiting.splice(0)) if (target !== undefined) call(target);
    },
  };
}
