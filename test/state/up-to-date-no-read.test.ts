import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { makeTempDir } from './helpers.ts';
import { setUpToDateTasks, timeUpToDateCheck } from './up-to-date-workload.ts';

// Guards against a re-hash creeping into the no-op check. Speed is the benchmarks' business
// (`npm run bench -- noop-rerun`): the timings are only printed, as diagnostics.
test('a no-op re-run of 10,000 up-to-date tasks reads no file', { timeout: 120_000 }, async (t) => {
  const root = path.join(makeTempDir(), 'pipeline');
  const { tasks } = await setUpToDateTasks(root, 10_000);
  const timings = [];
  for (let i = 0; i < 3; i += 1) timings.push(await timeUpToDateCheck(root, tasks));
  for (const timing of timings) {
    assert.equal(timing.upToDate, 10_000);
    assert.equal(timing.hashed, 0);
  }
  const best = timings.reduce((a, b) => (a.cpuMs < b.cpuMs ? a : b));
  t.diagnostic(`wall ${best.totalMs.toFixed(0)} ms (sign ${best.signMs.toFixed(0)}, check ${best.checkMs.toFixed(0)}), CPU ${best.cpuMs.toFixed(0)} ms`);
});
