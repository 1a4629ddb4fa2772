// A pipeline with folder outputs (directory()) runs in rounds: a round plans what the folders
// made by the one before hold, and each round is recorded as a run of its own. A report of "the
// run" a user started covers every round of it.

import { listRuns } from '../../state/journal/read-history.ts';
import type { RunRecord } from '../../state/journal/record-run.ts';
import type { StateStore } from '../../state/store/open-store.ts';

/**
 * The rounds `run` ends, oldest first, `run` last: the runs just before it by the same process
 * (pid and host) with the same command, each finished before the next began.
 */
export function listRunRounds(store: StateStore, run: RunRecord): RunRecord[] {
  const runs = listRuns(store, 1000);
  const at = runs.findIndex((candidate) => candidate.id === run.id);
  const rounds = [run];
  if (at < 0) return rounds;
  for (let i = at + 1; i < runs.length; i += 1) {
    const before = runs[i] as RunRecord;
    const next = rounds[0] as RunRecord;
    const sameProcess = before.pid === next.pid && before.hostname === next.hostname && before.command === next.command;
    if (!sameProcess || before.finishedAt === null || before.finishedAt > next.startedAt) break;
    rounds.unshift(before);
  }
  return rounds;
}
