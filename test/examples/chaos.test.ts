import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { idealSpeedup, iterateLogistic, spreadStarts } from '../../examples/chaos/logistic.ts';
import { map } from '../../src/index.ts';
import { REPO } from '../helpers/run-sluice.ts';

describe('examples/chaos', () => {
  it('gets exactly the single-thread results through the worker-thread map', async () => {
    const items = spreadStarts(16).map((start) => ({ start, depth: 20_000 }));
    const serial = items.map(iterateLogistic);
    const pooled = await map(items, iterateLogistic, { threads: 2 });
    assert.deepEqual(pooled, serial);
    assert.equal(new Set(serial).size, serial.length, 'different starts end in different places');
    assert.ok(serial.every((x) => x > 0 && x < 1));
  });

  it('knows the best speed-up for a number of values and cores', () => {
    assert.equal(idealSpeedup(8, 2), 2);
    assert.equal(idealSpeedup(3, 2), 1.5);
    assert.equal(idealSpeedup(5, 4), 2.5);
    assert.equal(idealSpeedup(2, 8), 2);
    assert.equal(idealSpeedup(8, 1), 1);
  });

  it('runs as a program and prints both times, the speed-up and the ideal', async () => {
    const main = path.join(REPO, 'examples/chaos/main.ts');
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', main, '--depth', '1000', '--values', '4', '--threads', '2'], {
      cwd: REPO,
      timeout: 60_000,
    });
    assert.match(stdout, /4 values × 1,000 iterations/);
    assert.match(stdout, /one thread +\d/);
    assert.match(stdout, /map, 2 +threads +\d/);
    assert.match(stdout, /speed-up \d+\.\d\d×, ideal \d\.\d\d× for 4 values on \d cores?/);
    assert.match(stdout, /results identical/);
  });

  it('refuses a depth that is not a positive integer', async () => {
    const main = path.join(REPO, 'examples/chaos/main.ts');
    const failed = await promisify(execFile)(process.execPath, ['--import', 'tsx', main, '--depth', '0'], { cwd: REPO, timeout: 60_000 }).then(
      () => undefined,
      (error: { code?: number; stderr?: string }) => error,
    );
    assert.equal(failed?.code, 2);
    assert.match(failed?.stderr ?? '', /Expected `--depth` to be a positive integer, got `0`/);
  });
});
