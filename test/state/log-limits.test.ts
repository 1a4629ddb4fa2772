import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LOG_LIMITS, readLogLimits } from '../../src/state/logs/log-limits.ts';

test('log limits: documented defaults, each set by its environment variable, a bad value refused', () => {
  assert.deepEqual(readLogLimits({}), LOG_LIMITS);
  assert.deepEqual(LOG_LIMITS, { streamBytes: 10 * 1024 * 1024, runs: 20, totalBytes: 1024 ** 3 });
  assert.deepEqual(readLogLimits({ SLUICE_LOG_CAP: '4096', SLUICE_LOG_RUNS: '3', SLUICE_LOG_BYTES: '2G' }), { streamBytes: 4096, runs: 3, totalBytes: 2 * 1024 ** 3 });
  assert.equal(readLogLimits({ SLUICE_LOG_CAP: '512k' }).streamBytes, 512 * 1024);
  assert.equal(readLogLimits({ SLUICE_LOG_CAP: '1.5MiB' }).streamBytes, 1.5 * 1024 * 1024);
  assert.throws(() => readLogLimits({ SLUICE_LOG_CAP: '0' }), /Expected `SLUICE_LOG_CAP` to be a size in bytes such as 4096, 512K, 10M or 1G, got `0`/);
  assert.throws(() => readLogLimits({ SLUICE_LOG_BYTES: '-1' }), /SLUICE_LOG_BYTES/);
  assert.throws(() => readLogLimits({ SLUICE_LOG_RUNS: 'many' }), /Expected `SLUICE_LOG_RUNS` to be a positive integer, got `many`/);
});
