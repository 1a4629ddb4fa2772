import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';
import { createPool } from '../../src/pool/create-pool.ts';
import { map } from '../../src/pool/map.ts';
import { MapItemError, PoolAbortError } from '../../src/pool/pool-errors.ts';
import { SluiceError } from '../../src/errors.ts';
import { makeTempDir, REPO } from '../helpers/run-sluice.ts';

describe('map', () => {
  const pool = createPool({ threads: 2 });
  after(() => pool.close());

  it('returns results in input order, for sync and async functions, with the index', async () => {
    const items = Array.from({ length: 10_000 }, (_, index) => index);
    const doubled = await pool.map(items, (x) => x * 2);
    assert.deepEqual(doubled, items.map((x) => x * 2));
    const slow = await pool.map([30, 0, 10, 20], async (ms, index) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return `${index}:${ms}`;
    });
    assert.deepEqual(slow, ['0:30', '1:0', '2:10', '3:20']);
  });

  it('takes any iterable and clones structured items and results', async () => {
    const items = new Set([{ name: 'a', tags: new Map([['k', 1]]) }, { name: 'b', tags: new Map() }]);
    const results = await pool.map(items, (item) => ({ name: item.name.toUpperCase(), size: item.tags.size, at: new Date(0) }));
    assert.deepEqual(results, [{ name: 'A', size: 1, at: new Date(0) }, { name: 'B', size: 0, at: new Date(0) }]);
    assert.deepEqual(await pool.map([], (x: number) => x), []);
  });

  it('rejects with a MapItemError naming the first item that failed', async () => {
    const error = await pool.map(['a', 'b', 'bad', 'c'], (word) => {
      if (word === 'bad') throw new RangeError(`cannot take ${word}`);
      return word;
    }).then(() => undefined, (reason: unknown) => reason);
    assert.ok(error instanceof MapItemError);
    assert.ok(error instanceof SluiceError);
    assert.equal(error.index, 2);
    assert.equal(error.item, 'bad');
    assert.equal((error.cause as Error).name, 'RangeError');
    assert.equal((error.cause as Error).message, 'cannot take bad');
    assert.match(error.message, /^RangeError: cannot take bad \(map item 2: "bad"\)/);
  });

  it('explains that a function cannot use variables from outside it', async () => {
    const factor = 3;
    await assert.rejects(pool.map([1], (x) => x * factor), /factor is not defined .*cannot use variables from outside it/);
  });

  it('lets the function import what it needs', async () => {
    const results = await pool.map(['a/b.txt'], async (file) => {
      const path = await import('node:path');
      return path.basename(file);
    });
    assert.deepEqual(results, ['b.txt']);
  });

  it('rejects an item that cannot be cloned, and goes on working', async () => {
    await assert.rejects(pool.map([() => 1], (fn) => fn), /could not be cloned/);
    assert.deepEqual(await pool.map([1, 2], (x) => x + 1), [2, 3]);
  });

  it('terminates running work on abort, rejects with an AbortError, and goes on working', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const error = await pool.map([1, 2, 3], () => { for (;;); }, { signal: controller.signal }).then(() => undefined, (reason: unknown) => reason);
    assert.ok(error instanceof PoolAbortError);
    assert.equal(error.name, 'AbortError');
    assert.ok(Date.now() - started < 5000);
    assert.deepEqual(await pool.map([1, 2, 3], (x) => x * x), [1, 4, 9]);
    await assert.rejects(pool.map([1], (x) => x, { signal: AbortSignal.abort() }), PoolAbortError);
  });

  it('rejects running work when the pool is closed', async () => {
    const own = createPool({ threads: 1 });
    const running = own.map([1], () => { for (;;); });
    setTimeout(() => void own.close(), 100);
    await assert.rejects(running, PoolAbortError);
    await assert.rejects(own.map([1], (x) => x), /closed/);
  });

  it('reports a thread that died under an item', async () => {
    const own = createPool({ threads: 1 });
    try {
      await assert.rejects(own.map([1], () => process.exit(7)), /exited with code 7/);
      assert.deepEqual(await own.map([5], (x) => x), [5]);
    } finally {
      await own.close();
    }
  });

  it('checks its options', async () => {
    await assert.rejects(map([1], (x) => x, { threads: 0 }), /Expected `threads` to be a positive integer, got `0`/);
    assert.throws(() => createPool({ threads: 1.5 }), /got `1.5`/);
  });

  it('uses a shared pool for the plain function', async () => {
    assert.deepEqual(await map(['x', 'y'], (s, index) => s.repeat(index + 1), { threads: 2 }), ['x', 'yy']);
  });

  it('does not keep the process alive once the work is done', async () => {
    const dir = makeTempDir('sluice-map-');
    const script = path.join(dir, 'script.mjs');
    const mapUrl = new URL('src/pool/map.ts', `file://${REPO}/`).href;
    fs.writeFileSync(script, `import { map } from ${JSON.stringify(mapUrl)};\nconsole.log(JSON.stringify(await map([1, 2, 3], (x) => x + 1, { threads: 2 })));\n`);
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], { cwd: REPO, timeout: 20_000 });
    assert.equal(stdout.trim(), '[2,3,4]');
  });
});
