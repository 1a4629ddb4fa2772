// The python helper killed between a task's spawn and the ledger line of its group: no record
// names that group, but the task (and what it starts) carries the helper's SLUICE_COOKIE, so the
// run that ends what was left (endPreviousRun, at the end of the same run or before the next one)
// finds and ends it. Real helper (made to die at that point), real processes, real SQLite.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { startFastLauncher } from '../../src/process/launcher-client.ts';
import { endPreviousRun } from '../../src/session/end-previous-run.ts';
import { createProcessRecorder } from '../../src/state/journal/record-running-processes.ts';
import { openStore } from '../../src/state/store/open-store.ts';
import { findByMarker, makeMarker } from '../process/process-helpers.ts';
import { makeTempDir } from '../state/helpers.ts';

const DIES_BEFORE_LEDGER_LINE = fileURLToPath(new URL('../process/fixtures/launcher-dies-before-ledger-line.py', import.meta.url));

test('a task whose group the dead helper never wrote down is ended by its cookie', { skip: process.platform !== 'linux' && 'needs /proc', timeout: 120_000 }, async () => {
  const root = makeTempDir();
  const store = openStore(root);
  const marker = makeMarker();
  try {
    const recorder = createProcessRecorder(store, 'run');
    const launcher = await startFastLauncher({ script: DIES_BEFORE_LEDGER_LINE, watcher: recorder });
    const ledger = path.join(recorder.ledgerDir, String(launcher.pid));
    // A shell that leaves its group too (setsid), as a daemon would.
    const argv = ['sh', '-c', `setsid sleep 1000.${marker} & : > ready; exec sleep 1000.${marker}`];
    const task = launcher.start({ argv, cwd: root, stdoutPath: '/dev/null', stderrPath: '/dev/null' });
    // The helper dies once the daemon is started (`ready`). sluice, seeing its launcher die, ends what it left before it judges the task.
    await assert.rejects(task.done, /The launcher exited \(SIGKILL\) while the task was running/);
    await launcher.close();
    assert.equal(fs.readFileSync(ledger, 'utf8'), '', 'no group is named');
    assert.deepEqual(await findByMarker(marker), [], 'gone when the task is judged: found by the cookie');
    // The helper's row and its cookie search stay recorded until the run ends them.
    assert.equal(await endPreviousRun(store), 2);
    assert.equal(fs.existsSync(ledger), false);
  } finally {
    for (const pid of await findByMarker(marker)) process.kill(pid, 'SIGKILL');
    store.close();
  }
});
