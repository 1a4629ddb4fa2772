import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { BackendError } from '../../src/errors.ts';
import { createWorkerPool } from '../../src/pool/worker-pool.ts';
import { makeTempDir } from '../helpers/run-sluice.ts';

function writeEntry(source: string, name = 'entry.mjs'): URL {
  const dir = makeTempDir('sluice-pool-');
  fs.writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
  fs.writeFileSync(path.join(dir, name), source);
  return pathToFileURL(path.join(dir, name));
}

describe('createWorkerPool', () => {
  it('fails waiting jobs one by one when its threads cannot start, instead of restarting forever', async () => {
    const pool = createWorkerPool<number, number>({ size: 2, entry: writeEntry("throw new Error('cannot load');\n") });
    try {
      const results = await Promise.allSettled([pool.run(1), pool.run(2), pool.run(3)]);
      for (const result of results) {
        assert.equal(result.status, 'rejected');
        assert.ok(result.reason instanceof BackendError);
        assert.match(String(result.reason.message), /^A worker thread could not start: cannot load/);
      }
    } finally {
      await pool.close();
    }
  });

  it('warm() starts every thread before the first job, and the jobs then use those threads', async () => {
    const dir = makeTempDir('sluice-pool-warm-');
    const serve = pathToFileURL(path.resolve('src/pool/serve-jobs.ts')).href;
    // Each thread leaves a file named after it when it starts.
    const entry = writeEntry(
      `import fs from 'node:fs';\n` +
        `import { threadId } from 'node:worker_threads';\n` +
        `fs.writeFileSync(${JSON.stringify(dir)} + '/started-' + threadId, '');\n` +
        `const { serveJobs } = await import(${JSON.stringify(serve)});\n` +
        `serveJobs((): number => threadId, () => -1);\n`,
      'entry.ts',
    );
    const pool = createWorkerPool<number, number>({ size: 2, entry });
    try {
      pool.warm();
      pool.warm();
      while (fs.readdirSync(dir).length < 2) await new Promise((resolve) => setTimeout(resolve, 20));
      const started = fs.readdirSync(dir).map((name) => Number(name.slice('started-'.length))).sort();
      const used = await Promise.all([1, 2, 3, 4].map((n) => pool.run(n)));
      for (const thread of used) assert.ok(started.includes(thread), `job ran on thread ${thread}, not one of ${started.join(', ')}`);
      assert.equal(fs.readdirSync(dir).length, 2, 'no thread beyond the two warmed');
    } finally {
      await pool.close();
    }
  });

  it('starts the clock of a job when a ready thread takes it', async () => {
    const serve = pathToFileURL(path.resolve('src/pool/serve-jobs.ts')).href;
    // The thread (TypeScript, as sluice's own entries are when run from sources) takes 300 ms to load.
    const entry = writeEntry(
      `await new Promise((resolve) => setTimeout(resolve, 300));\n` +
        `const { serveJobs } = await import(${JSON.stringify(serve)});\n` +
        `serveJobs((n: number): number => n * 2, () => -1);\n`,
      'entry.ts',
    );
    const pool = createWorkerPool<number, number>({ size: 1, entry });
    try {
      const asked = Date.now();
      let startedAt = 0;
      assert.equal(await pool.run(21, undefined, () => (startedAt = Date.now())), 42);
      assert.ok(startedAt - asked >= 250, `started ${startedAt - asked} ms after it was asked`);
    } finally {
      await pool.close();
    }
  });
});
