import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { makeTempDir } from './helpers.ts';
import { setUpToDateTasks, timeUpToDateCheck } from './up-to-date-workload.ts';

// The budget is 0.3 s; this guards against a per-task query or a re-hash creeping in, with room
// for a loaded CI machine. Measured numbers are printed as diagnostics.
const CPU_LIMIT_MS = 1000;

test('a no-op re-run of 10,000 up-to-date tasks reads no file and stays within budget', { timeout: 120_000 }, async (t) => {
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
  assert.ok(best.cpuMs < CPU_LIMIT_MS, `took ${best.cpuMs.toFixed(0)} ms of CPU`);
});
