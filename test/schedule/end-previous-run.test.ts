// What a dead run recorded is ended, on real processes; what is not provably it, is left alone.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { readProcessStart } from '../../src/process/read-process-start.ts';
import { endPreviousRun } from '../../src/schedule/end-previous-run.ts';
import { openStore } from '../../src/state/open-store.ts';
import { createProcessRecorder, readRunningProcesses } from '../../src/state/record-running-processes.ts';
import { findByMarker, makeMarker, waitForMarkerGone } from '../process/process-helpers.ts';
import { makeTempDir } from '../state/helpers.ts';

const linux = process.platform === 'linux';

// A process group that ignores SIGTERM, as a dead run's task would leave it.
function startGroup(marker: string): number {
  const child = spawn('sh', ['-c', `trap "" TERM; sleep 1000.${marker} & sleep 1000.${marker}`], { detached: true, stdio: 'ignore' });
  child.unref();
  return child.pid as number;
}

test('ends the recorded groups that are still the same, waits for them, and forgets them', { skip: !linux && 'needs /proc' }, async () => {
  const store = openStore(makeTempDir());
  const ours = makeMarker();
  const innocent = makeMarker();
  const pgid = startGroup(ours);
  const other = startGroup(innocent);
  try {
    const recorder = createProcessRecorder(store, 'dead run');
    recorder.groupStarted(pgid, readProcessStart(pgid));
    // Recorded with another start time: the pid now names another process; not ours to end.
    recorder.groupStarted(other, String(Number(readProcessStart(other)) + 1));
    recorder.flush();
    await new Promise((resolve) => setTimeout(resolve, 200)); // the group's members started
    assert.equal(await endPreviousRun(store), 2);
    assert.deepEqual(await findByMarker(ours), [], 'gone when endPreviousRun returns');
    assert.ok((await findByMarker(innocent)).length > 0, 'a process that is not provably the recorded one is left alone');
    assert.deepEqual(readRunningProcesses(store), { here: [], total: 0 });
    assert.equal(await endPreviousRun(store), 0);
  } finally {
    process.kill(-other, 'SIGKILL');
    await waitForMarkerGone(innocent);
    store.close();
  }
});
