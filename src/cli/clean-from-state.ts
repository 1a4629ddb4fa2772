// `sluice clean` when the pipeline does not load (a syntax error, a bad field, the file gone):
// the recorded successes still name what each step wrote, so its outputs and records go; what
// only the pipeline tells (declared logs, whether another step reads a path now) is not checked,
// and the message says so.

import fs from 'node:fs';
import path from 'node:path';
import { PlanError } from '../errors.ts';
import { MAP_STEP } from '../kernel/name-task.ts';
import { quoteArgv } from '../kernel/quote-argv.ts';
import { forgetSnapshots } from '../state/freshness/up-to-date-snapshot.ts';
import { forgetFailures } from '../state/journal/forget-failures.ts';
import { forgetSteps } from '../state/journal/forget-successes.ts';
import { readRecordedOutputs, readRecordedSteps } from '../state/journal/read-recorded-outputs.ts';
import { acquireRunLock } from '../state/lock/run-lock.ts';
import { openStore } from '../state/store/open-store.ts';
import { stateDbPathOf } from '../state/store/state-dir.ts';
import { removeOutput } from './remove-output.ts';

/**
 * Cleans the steps named (all recorded steps but `sluice map`'s when `names` is undefined) from
 * the state in `root`; `failure` is why the pipeline could not be planned. False when `root`
 * holds no state (nothing to clean from: the caller reports `failure`).
 */
export function cleanFromState(root: string, names: readonly string[] | undefined, failure: PlanError): boolean {
  if (!fs.existsSync(stateDbPathOf(root))) return false;
  const lock = acquireRunLock(root, { command: quoteArgv(['sluice', ...process.argv.slice(2)]) });
  const store = openStore(root);
  try {
    const recorded = readRecordedSteps(store);
    const steps = names ?? recorded.filter((step) => step !== MAP_STEP);
    const unknown = steps.find((step) => !recorded.includes(step));
    if (unknown !== undefined) {
      throw new PlanError(`Unknown step \`${unknown}\`: nothing of a step of that name is recorded in ${stateDbPathOf(root)}, and the pipeline could not be planned to check it: ${failure.message}`);
    }
    // A path another step's success also wrote stays: the only check the records allow.
    const kept = new Set(readRecordedOutputs(store, recorded.filter((step) => !steps.includes(step))).map((output) => path.resolve(root, output)));
    let removed = 0;
    for (const output of new Set(readRecordedOutputs(store, steps))) {
      const file = path.resolve(root, output);
      if (kept.has(file) || `${root}${path.sep}`.startsWith(`${file}${path.sep}`)) continue;
      if (removeOutput(file, output.endsWith('/'), root)) removed++;
    }
    forgetSnapshots(root);
    const forgotten = forgetSteps(store, steps);
    forgetFailures(store, steps);
    process.stderr.write(
      `sluice: ${failure.message}\nsluice: so this clean went by the recorded state alone: ` +
        `removed ${removed} output${removed === 1 ? '' : 's'} and ${forgotten} recorded success${forgotten === 1 ? '' : 'es'} of ${steps.length === 0 ? 'no step' : steps.join(', ')}; ` +
        `not checked: the steps' declared logs (left in place) and whether the pipeline now reads or makes these paths otherwise\n`,
    );
    return true;
  } finally {
    store.close();
    lock.release();
  }
}
