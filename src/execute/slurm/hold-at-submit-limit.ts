import { debugLog } from '../../process/debug-log.ts';
import type { SendResult } from './send-batch.ts';
import type { JobWatcher, WatchedAttempt } from './watch-jobs.ts';

// When the cluster's submit limit (MaxSubmitJobs of the user's QOS or association) refuses a
// submission, its attempts wait instead of failing: an array goes out again in halves, and what
// still does not fit waits for jobs of this run to end, then tries again, one submission at a
// time (later batches queue behind it, so sbatch is not asked again and again). Only a single
// job refused while none of this run's jobs is queued fails: the limit leaves no room at all.

export interface SubmitLimitHold {
  /** Sends the packs now, or behind those the limit holds. */
  send(packs: readonly WatchedAttempt[][]): Promise<void>;
}

export function holdAtSubmitLimit(
  send: (packs: readonly WatchedAttempt[][]) => Promise<SendResult>,
  watcher: Pick<JobWatcher, 'inFlight' | 'fail'>,
  waitMs: number,
): SubmitLimitHold {
  const held: Array<readonly WatchedAttempt[][]> = [];
  let timer: NodeJS.Timeout | undefined;
  let draining = false;

  const wait = (): void => {
    if (timer !== undefined) return;
    timer = setTimeout(() => {
      timer = undefined;
      void drain();
    }, waitMs);
    // Held attempts do not keep sluice alive: its shutdown cancels them.
    timer.unref();
  };

  // Sends what is held, in order, until the limit refuses again.
  async function drain(): Promise<void> {
    if (draining) return;
    draining = true;
    try {
      for (let group = held.shift(); group !== undefined; group = held.shift()) {
        const packs = group.map((pack) => pack.filter((attempt) => attempt.state === 'waiting')).filter((pack) => pack.length > 0);
        if (packs.length === 0) continue;
        const result = await send(packs);
        if (result.kind === 'sent') continue;
        const queued = watcher.inFlight();
        if (packs.length === 1 && queued === 0) {
          for (const attempt of packs.flat()) watcher.fail(attempt, result.message);
          continue;
        }
        const half = Math.ceil(packs.length / 2);
        held.unshift(...(packs.length > 1 ? [packs.slice(0, half), packs.slice(half)] : [packs]));
        debugLog('slurm', `submit limit: ${packs.flat().length} task(s) wait (${queued} of this run's queued)`);
        // With nothing of ours queued, only a smaller array can help: try the halves now.
        if (queued > 0) {
          wait();
          return;
        }
      }
    } finally {
      draining = false;
    }
  }

  return {
    async send(packs) {
      held.push(packs);
      if (timer === undefined) await drain();
    },
  };
}
