import type { ChosenExecutor } from '../execute/create-executor.ts';
import type { Task } from '../kernel/task.ts';
import { createUpToDateGate, type Survey, type UpToDateGate } from '../schedule/up-to-date-gate.ts';
import { createHashCache } from '../state/hashes/hash-cache.ts';
import { withRememberedHashes, type RememberingHashCache } from '../state/hashes/remembered-hashes.ts';
import { withDeletedTemporaries } from '../state/journal/deleted-temporaries.ts';
import type { Session } from './open-session.ts';
import type { ObservedStamps } from '../state/freshness/up-to-date-snapshot.ts';
import type { SeenStamp } from '../state/freshness/task-stamps.ts';
import type { PlannedRun } from './run-request.ts';
import { createSnapshotVouch, type SnapshotVouch } from '../state/freshness/unchanged-files.ts';
import { debugLog } from '../process/debug-log.ts';

/** The stamps a run gathers for its snapshot: the survey's, then those of the tasks that ran (leave-snapshot.ts). */
export interface ObservingStamps extends ObservedStamps {
  readonly inputs: Map<string, SeenStamp | null>;
  readonly outputs: Map<string, SeenStamp | null>;
  readonly confirmed: Map<number, Int32Array>;
}

export interface SurveyedRun {
  readonly cache: RememberingHashCache;
  readonly gate: UpToDateGate;
  readonly survey: Survey;
  readonly allUpToDate: boolean;
  /** The stamps the survey trusted, for a snapshot (when the run asked for one). */
  readonly observed: ObservingStamps | undefined;
  /** What the last run's snapshot vouched for, when it did: the snapshot to leave is that one, patched. */
  readonly vouch: SnapshotVouch | undefined;
}

/**
 * Which tasks must run, their files hashed on the session's threads. The first file that must be
 * read is the sign that tasks will run: what the backend needs starts booting then, while the
 * files are hashed. A survey that reads nothing (a first run: tasks whose outputs are missing are
 * signed when they are about to run) gives the sign when it ends.
 */
export async function surveyRun(session: Session, plan: PlannedRun, chosen: ChosenExecutor): Promise<SurveyedRun> {
  const { store } = session;
  // The inputs whose hashes are trusted: the survey learns tasks' stamps from them, and they
  // join the snapshot (when the run asked for one).
  const trusted = new Map<string, SeenStamp | null>();
  const observed: ObservingStamps | undefined =
    plan.snapshot === undefined ? undefined : { inputs: trusted, outputs: new Map<string, SeenStamp | null>(), confirmed: new Map<number, Int32Array>() };
  const hasher = (file: string, size?: number): Promise<string> => {
    chosen.warm();
    return session.hasher.hash(file, size);
  };
  const cache = withRememberedHashes(withDeletedTemporaries(store, createHashCache(store, { hasher, observe: trusted })));
  // A function task that must run is signed after it ran, with the hashes its worker thread
  // took of its inputs as it read them, by a backend whose threads hash them.
  const deferSigning = chosen.traits.signsFunctionsLate === true ? (task: Task) => task.action.kind === 'function' : undefined;
  const gate = createUpToDateGate({
    store,
    cache,
    forcedSteps: plan.forcedSteps,
    unforced: plan.unforced,
    targets: plan.targets,
    observeOutputs: observed?.outputs,
    trustedInputs: trusted,
    observeConfirmed: observed?.confirmed,
    deferSigning,
  });
  // Tasks none of whose files changed since the last run's snapshot: up to date on their own.
  const vouch = session.unchanged === undefined ? undefined : (plan.narrowed?.vouch ?? createSnapshotVouch(session.unchanged));
  const survey = await gate.survey(plan.tasks, plan.dependencies ?? new Map(), vouch);
  // The settled tasks of a narrowed plan are those it vouched for without reading them.
  const settled = plan.narrowed?.settled.count ?? 0;
  if (vouch !== undefined) debugLog('up-to-date', `the last run's snapshot vouches for the files of ${vouch.ids.size + settled} of ${plan.tasks.length + settled} tasks`);
  const allUpToDate = survey.upToDate.size === plan.tasks.length;
  if (!allUpToDate) chosen.warm();
  return { cache, gate, survey, allUpToDate, observed, vouch };
}

