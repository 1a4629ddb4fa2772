import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { BackendError } from '../../src/errors.ts';
import { PoolAbortError } from '../../src/pool/pool-errors.ts';
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
      assert.equal(await pool.run(21, { onStart: () => (startedAt = Date.now()) }), 42);
      assert.ok(startedAt - asked >= 250, `started ${startedAt - asked} ms after it was asked`);
    } finally {
      await pool.close();
    }
  });

  // A thread that sleeps `ms` (a busy wait, as a step function computes) and answers with its
  // id and the times it started and ended the job.
  function sleeperEntry(): URL {
    const serve = pathToFileURL(path.resolve('src/pool/serve-jobs.ts')).href;
    return writeEntry(
      `import { threadId } from 'node:worker_threads';\n` +
        `const { serveJobs } = await import(${JSON.stringify(serve)});\n` +
        `serveJobs((job: { id: number; ms: number }) => {\n` +
        `  const startedAt = Date.now();\n` +
        `  while (Date.now() < startedAt + job.ms);\n` +
        `  return { id: job.id, thread: threadId, startedAt, endedAt: Date.now() };\n` +
        `}, () => undefined);\n`,
      'sleeper.ts',
    );
  }
  interface Slept {
    readonly id: number;
    readonly thread: number;
    readonly startedAt: number;
    readonly endedAt: number;
  }
  const blockFor = (ms: number): number => {
    const until = Date.now() + ms;
    while (Date.now() < until);
    return Date.now();
  };

  it('starts a job held ahead on a busy thread as soon as that thread answers, even while this thread is busy', async () => {
    const pool = createWorkerPool<{ id: number; ms: number }, Slept>({ size: 1, entry: sleeperEntry() });
    try {
      await pool.run({ id: 0, ms: 0 });
      const started: (number | string)[] = [];
      const first = pool.run({ id: 1, ms: 100 }, { onStart: () => started.push(1) });
      const second = pool.run({ id: 2, ms: 0 }, { ahead: true, onStart: () => started.push(2) });
      // The caller counts the first job's slot as the second's once told that one started: the
      // pool tells it before the first job's answer reaches the caller.
      void first.then(() => started.push('answer 1'));
      assert.deepEqual(started, [1], 'the job held ahead has not started');
      // This thread is busy long after the first job ends: only the worker thread can start the second.
      const unblockedAt = blockFor(600);
      const [a, b] = await Promise.all([first, second]);
      assert.equal(b.thread, a.thread);
      assert.ok(b.startedAt >= a.endedAt, 'one job at a time');
      assert.ok(b.startedAt < unblockedAt, `the second job started ${b.startedAt - unblockedAt} ms after this thread was free again`);
      assert.deepEqual(started, [1, 2, 'answer 1']);
    } finally {
      await pool.close();
    }
  });

  it('gives a job held ahead to a thread that becomes idle while the busy one still runs', async () => {
    const pool = createWorkerPool<{ id: number; ms: number }, Slept>({ size: 2, entry: sleeperEntry() });
    try {
      pool.warm();
      await Promise.all([pool.run({ id: 0, ms: 0 }), pool.run({ id: 0, ms: 0 })]);
      const long = pool.run({ id: 1, ms: 1500 });
      const short = pool.run({ id: 2, ms: 50 });
      // Both threads are busy: each holds one of these behind its job.
      const held = [pool.run({ id: 3, ms: 0 }, { ahead: true }), pool.run({ id: 4, ms: 0 }, { ahead: true })];
      const [a, ...rest] = await Promise.all([long, short, ...held]);
      for (const job of rest.slice(1)) {
        assert.notEqual(job.thread, a.thread, `job ${job.id} waited for the long job's thread`);
        assert.ok(job.endedAt < a.endedAt, `job ${job.id} ended after the long job`);
      }
    } finally {
      await pool.close();
    }
  });

  it('never starts a job held ahead on an idle thread: it waits for a job to answer, or to be released', async () => {
    const pool = createWorkerPool<{ id: number; ms: number }, Slept>({ size: 2, entry: sleeperEntry() });
    try {
      pool.warm();
      await Promise.all([pool.run({ id: 0, ms: 0 }), pool.run({ id: 0, ms: 0 })]);
      // Two idle threads; the caller's one slot is taken by something else (a process, say).
      let release: (() => void) | undefined;
      let started = false;
      const held = pool.run({ id: 1, ms: 0 }, { ahead: true, onStart: () => (started = true), onHeld: (go) => (release = go) });
      held.catch(() => {});
      assert.equal(started, false, 'the held job started on an idle thread, one job more than the caller has slots');
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(started, false, 'the held job started on an idle thread, one job more than the caller has slots');
      assert.ok(release !== undefined);
      release();
      assert.equal(started, true, 'a released job starts on an idle thread at once');
      assert.equal((await held).id, 1);
    } finally {
      await pool.close();
    }
  });

  it('starts a job held ahead in place of the job that answers, not beside it on an idle thread', async () => {
    const pool = createWorkerPool<{ id: number; ms: number }, Slept>({ size: 3, entry: sleeperEntry() });
    try {
      pool.warm();
      await Promise.all([1, 2, 3].map(() => pool.run({ id: 0, ms: 0 })));
      const running = pool.run({ id: 1, ms: 300 });
      const held = [2, 3, 4].map((id) => pool.run({ id, ms: 100 }, { ahead: true }));
      const [a, ...rest] = await Promise.all([running, ...held]);
      // One slot: one job at a time, each after the one before it ended.
      const ordered = [a, ...rest].sort((x, y) => x.startedAt - y.startedAt);
      for (let i = 1; i < ordered.length; i++) {
        const [before, after] = [ordered[i - 1] as Slept, ordered[i] as Slept];
        assert.ok(after.startedAt >= before.endedAt, `job ${after.id} started before job ${before.id} ended`);
      }
    } finally {
      await pool.close();
    }
  });

  it('aborts a job held ahead without touching the job it waits behind', async () => {
    const pool = createWorkerPool<{ id: number; ms: number }, Slept>({ size: 1, entry: sleeperEntry() });
    try {
      await pool.run({ id: 0, ms: 0 });
      const first = pool.run({ id: 1, ms: 300 });
      const controller = new AbortController();
      let started = false;
      const held = pool.run({ id: 2, ms: 0 }, { ahead: true, signal: controller.signal, onStart: () => (started = true) });
      controller.abort();
      await assert.rejects(held, PoolAbortError);
      const a = await first;
      assert.equal(a.id, 1);
      assert.equal(started, false);
      // The thread lives on, and answers the next job with the next answer.
      const after = await pool.run({ id: 3, ms: 0 });
      assert.equal(after.id, 3);
      assert.equal(after.thread, a.thread);
    } finally {
      await pool.close();
    }
  });

  it('after a job held behind another is aborted, the busy thread takes the next held job behind it', async () => {
    const pool = createWorkerPool<{ id: number; ms: number }, Slept>({ size: 1, entry: sleeperEntry() });
    try {
      await pool.run({ id: 0, ms: 0 });
      const first = pool.run({ id: 1, ms: 200 });
      const controller = new AbortController();
      const aborted = pool.run({ id: 2, ms: 0 }, { ahead: true, signal: controller.signal });
      controller.abort();
      await assert.rejects(aborted, PoolAbortError);
      const next = pool.run({ id: 3, ms: 0 }, { ahead: true });
      // This thread is busy long after the first job ends: only a job waiting on the worker
      // thread itself starts meanwhile.
      const unblockedAt = blockFor(3000);
      const [a, b] = await Promise.all([first, next]);
      assert.equal(b.thread, a.thread);
      assert.ok(b.startedAt < unblockedAt, 'the next held job did not wait behind the busy thread');
    } finally {
      await pool.close();
    }
  });

  it('aborting a job with a held job behind it ends its thread; the held job, once released, runs on a new thread', async () => {
    const pool = createWorkerPool<{ id: number; ms: number }, Slept>({ size: 1, entry: sleeperEntry() });
    try {
      const warm = await pool.run({ id: 0, ms: 0 });
      const controller = new AbortController();
      const first = pool.run({ id: 1, ms: 60_000 }, { signal: controller.signal });
      let started = false;
      let release: (() => void) | undefined;
      const held = pool.run({ id: 2, ms: 0 }, { ahead: true, onStart: () => (started = true), onHeld: (go) => (release = go) });
      controller.abort();
      await assert.rejects(first, PoolAbortError);
      assert.equal(started, false, 'the held job started with no slot');
      assert.ok(release !== undefined);
      release();
      const answer = await held;
      assert.equal(answer.id, 2);
      assert.notEqual(answer.thread, warm.thread);
      assert.equal(started, true);
    } finally {
      await pool.close();
    }
  });

  it('onAbortable hands over a function that aborts the job as its signal would, and does nothing once it has answered', async () => {
    const pool = createWorkerPool<{ id: number; ms: number }, Slept>({ size: 1, entry: sleeperEntry() });
    try {
      let abortDone: (() => void) | undefined;
      const done = await pool.run({ id: 0, ms: 0 }, { onAbortable: (abort) => (abortDone = abort) });
      assert.ok(abortDone !== undefined);
      // Answered already: the thread is untouched and runs the next job.
      abortDone();
      let abortRunning: (() => void) | undefined;
      const running = pool.run({ id: 1, ms: 60_000 }, { onAbortable: (abort) => (abortRunning = abort) });
      let abortQueued: (() => void) | undefined;
      const queued = pool.run({ id: 2, ms: 0 }, { onAbortable: (abort) => (abortQueued = abort) });
      abortQueued?.();
      await assert.rejects(queued, PoolAbortError);
      abortRunning?.();
      await assert.rejects(running, PoolAbortError);
      const after = await pool.run({ id: 3, ms: 0 });
      assert.equal(after.id, 3);
      assert.notEqual(after.thread, done.thread, 'the thread of the aborted job was not ended');
    } finally {
      await pool.close();
    }
  });

  it('answers every job with its own answer when jobs are held ahead, taken back and started in any order', async () => {
    const pool = createWorkerPool<{ id: number; ms: number }, Slept>({ size: 3, entry: sleeperEntry() });
    try {
      let next = 0;
      const wrong: string[] = [];
      // Up to twice as many jobs as threads at once, of random lengths: held jobs are often taken
      // back. Every fifth is released soon after it is held, as the caller finds it a slot.
      const worker = async (): Promise<void> => {
        while (next < 1500) {
          const id = next++;
          const onHeld = (release: () => void): void => {
            if (id % 5 === 0) setImmediate(release);
          };
          const answer = await pool.run({ id, ms: id % 7 === 0 ? 3 : 0 }, { ahead: true, onHeld });
          if (answer.id !== id) wrong.push(`job ${id} got job ${answer.id}'s answer`);
        }
      };
      await Promise.all(Array.from({ length: 6 }, worker));
      assert.deepEqual(wrong, []);
    } finally {
      await pool.close();
    }
  });

  it('rejects a job aborted as its thread took it from behind another, when that other job is aborted too (Ctrl-C)', async () => {
    // The thread answered the first job and started the one held behind it, and before this
    // thread saw the answer, both were aborted (an interrupt cancels every task): the job behind
    // must reject once the thread is gone, not wait in the pool for a slot that never comes.
    const dir = makeTempDir('sluice-pool-abort-both-');
    const serve = pathToFileURL(path.resolve('src/pool/serve-jobs.ts')).href;
    const entry = writeEntry(
      `import fs from 'node:fs';\n` +
        `const { serveJobs } = await import(${JSON.stringify(serve)});\n` +
        `serveJobs((job: { id: number; ms: number }) => {\n` +
        `  fs.writeFileSync(${JSON.stringify(dir)} + '/started-' + job.id, '');\n` +
        `  const until = Date.now() + job.ms;\n` +
        `  while (Date.now() < until);\n` +
        `  return job.id;\n` +
        `}, () => -1);\n`,
      'marker.ts',
    );
    const pool = createWorkerPool<{ id: number; ms: number }, number>({ size: 1, entry });
    try {
      await pool.run({ id: 0, ms: 0 });
      let abortFirst: (() => void) | undefined;
      let abortBehind: (() => void) | undefined;
      const first = pool.run({ id: 1, ms: 0 }, { onAbortable: (abort) => (abortFirst = abort) });
      const behind = pool.run({ id: 2, ms: 120_000 }, { ahead: true, onAbortable: (abort) => (abortBehind = abort) });
      // This thread stays busy (it cannot see the first job's answer) until the worker thread has
      // started the job behind it.
      const marker = path.join(dir, 'started-2');
      const deadline = Date.now() + 60_000;
      while (!fs.existsSync(marker) && Date.now() < deadline);
      assert.ok(fs.existsSync(marker), 'the worker thread never started the job held behind');
      abortBehind?.();
      abortFirst?.();
      const settled = (job: Promise<number>): Promise<string> =>
        job.then(
          (answer) => `answered ${answer}`,
          (error: unknown) => (error instanceof PoolAbortError ? 'aborted' : `failed: ${String(error)}`),
        );
      // Generous: the thread is terminated and its exit seen well within this.
      let timer: NodeJS.Timeout | undefined;
      const stuck = new Promise<string>((resolve) => (timer = setTimeout(() => resolve('still pending after 30 s'), 30_000)));
      const outcomes = await Promise.all([Promise.race([settled(first), stuck]), Promise.race([settled(behind), stuck])]);
      clearTimeout(timer);
      // The first job's answer may have been on its way: either outcome is right for it.
      assert.ok(['answered 1', 'aborted'].includes(outcomes[0]), outcomes[0]);
      assert.equal(outcomes[1], 'aborted');
    } finally {
      await pool.close();
    }
  });
});
