// `sluice map` without `--out` (every task runs) starts its launcher as soon as the tasks are
// planned, before it holds the lock (cli/execute-request.ts): the helper is recorded once the run
// adopts it, before any task starts, and a run refused by the lock closes it again.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { openSqlite } from '../../src/state/store/open-sqlite.ts';
import { makeTempDir, runSluice, startSluice, waitFor } from '../helpers/run-sluice.ts';
import { findByMarker, makeMarker, waitForMarkerGone } from '../process/process-helpers.ts';

const linux = process.platform === 'linux';

function readHelpers(dir: string): number[] {
  const db = openSqlite(path.join(dir, '.sluice', 'state.db'), { readonly: true });
  try {
    return db.prepare("SELECT pid FROM running_processes WHERE kind = 'helper'").pluck().all() as number[];
  } finally {
    db.close();
  }
}

describe('the launcher started before the lock', { skip: !linux && 'needs /proc' }, () => {
  it('is recorded with its ledger while tasks run; a run refused by the lock leaves no launcher', async () => {
    const dir = makeTempDir('sluice-early-launcher-');
    // A first run, then one with state: both start the launcher early.
    const warm = await runSluice(['map', '--', 'true', ':::', 'a'], { cwd: dir });
    assert.equal(warm.code, 0, warm.stderr);
    const marker = makeMarker();
    const first = startSluice(['map', '--', 'sh', '-c', `touch started; exec sleep 600.${marker}`, ':::', 'a'], { cwd: dir });
    try {
      await waitFor(() => fs.existsSync(path.join(dir, 'started')), 60_000);
      const helpers = readHelpers(dir);
      assert.equal(helpers.length, 1, 'the helper of the running run is recorded');
      const ledgers = path.join(dir, '.sluice', 'launchers');
      assert.deepEqual(fs.readdirSync(ledgers), [String(helpers[0])], 'its ledger, beside the database');
      const second = await runSluice(['map', '--', 'true', ':::', 'b'], { cwd: dir });
      assert.equal(second.code, 2, second.stderr);
      assert.match(second.stderr, /Another sluice run is in progress/);
      assert.deepEqual(fs.readdirSync(ledgers), [String(helpers[0])], "the refused run's launcher left no ledger");
      assert.deepEqual(readHelpers(dir), helpers, 'nor a row');
      assert.ok((await findByMarker(marker)).length > 0, "the first run's task runs on");
    } finally {
      first.child.kill('SIGINT');
    }
    assert.equal((await first.done).code, 130);
    assert.deepEqual(await waitForMarkerGone(marker), []);
    assert.deepEqual(readHelpers(dir), [], 'forgotten once the run ended');
  });
});
