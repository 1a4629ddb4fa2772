import { createUpToDateGate, type Survey } from '../schedule/up-to-date-gate.ts';
import { createHashCache } from '../state/hashes/hash-cache.ts';
import { withDeletedTemporaries } from '../state/journal/deleted-temporaries.ts';
import { openStore } from '../state/store/open-store.ts';
import type { PlannedRun } from './run-request.ts';

/** Which tasks would run and why, without running or locking anything (`--dry-run`, `status`). */
export async function surveyPlan(plan: PlannedRun): Promise<Survey> {
  const store = openStore(plan.root);
  try {
    const cache = withDeletedTemporaries(store, createHashCache(store));
    const gate = createUpToDateGate({ store, cache, forcedSteps: plan.forcedSteps, targets: plan.targets });
    return await gate.survey(plan.tasks, plan.dependencies ?? new Map());
  } finally {
    store.close();
  }
}
