// The report of a `sluice run` whose pipeline has folder outputs (directory()) covers every round
// of it (report/tasks/list-run-rounds.ts), as `report --tasks` does: each round is recorded as a
// run of its own, numbering its tasks anew and counting the earlier rounds' tasks up to date.

import type { StateStore } from '../../state/store/open-store.ts';
import { readAttempts, readRunSteps, type AttemptRecord } from '../../state/journal/read-history.ts';
import type { RunRecord } from '../../state/journal/record-run.ts';
import { listRunRounds } from '../tasks/list-run-rounds.ts';

export interface RoundsRead {
  /** When the first round started. */
  readonly startedAt: number;
  /** Every round's attempts, oldest round first; task ids one per task across the rounds. */
  readonly records: AttemptRecord[];
  /** Which attempt of each task is its last: rank of (round, attempt), highest is final. */
  readonly rank: (index: number) => number;
  readonly steps: Array<{ name: string; tasks: number; upToDate: number }>;
}

/** The attempts and step counts of `run` and of the rounds it ends. */
export function readRounds(store: StateStore, run: RunRecord): RoundsRead {
  const rounds = listRunRounds(store, run);
  const perRound = rounds.map((round) => readAttempts(store, round.id));
  const last = readRunSteps(store, run.id).map((step) => ({ name: step.step, tasks: step.tasks, upToDate: step.upToDate }));
  if (rounds.length === 1) {
    const records = perRound[0] ?? [];
    return { startedAt: run.startedAt, records, rank: (index) => records[index]?.attempt ?? 0, steps: last };
  }
  // Task ids by task key: a task is one task whatever round ran it.
  const ids = new Map<string, number>();
  const records: AttemptRecord[] = [];
  const ranks: number[] = [];
  perRound.forEach((attempts, round) => {
    for (const record of attempts) {
      if (!ids.has(record.taskKey)) ids.set(record.taskKey, ids.size + 1);
      records.push({ ...record, taskId: ids.get(record.taskKey) as number });
      ranks.push(round * 1_000_000 + record.attempt);
    }
  });
  return { startedAt: rounds[0]?.startedAt ?? run.startedAt, records, rank: (index) => ranks[index] ?? 0, steps: countSteps(last, perRound) };
}

// The last round plans every step; its up-to-date count includes the tasks earlier rounds of this
// run ran, which the report shows as run, not as up to date.
function countSteps(last: RoundsRead['steps'], perRound: readonly AttemptRecord[][]): RoundsRead['steps'] {
  const lastKeys = new Set((perRound.at(-1) ?? []).map((record) => record.taskKey));
  const ranEarlier = new Map<string, Set<string>>();
  for (const attempts of perRound.slice(0, -1)) {
    for (const record of attempts) {
      if (lastKeys.has(record.taskKey)) continue;
      const keys = ranEarlier.get(record.step) ?? new Set<string>();
      keys.add(record.taskKey);
      ranEarlier.set(record.step, keys);
    }
  }
  return last.map((step) => ({ ...step, upToDate: Math.max(0, step.upToDate - (ranEarlier.get(step.name)?.size ?? 0)) }));
}
