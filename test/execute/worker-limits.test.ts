import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { createFunctionRunner } from '../../src/execute/worker/create-function-runner.ts';
import { startFunctionTask } from '../../src/execute/start-function-task.ts';
import { planFile, read, runStaged, tasksOf, writeProject } from './worker-fixtures.ts';

// Each function notes which thread ran it (and when), so the tests can see threads end and overlap.
const PIPELINE = `
import fs from 'node:fs';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import { pipeline, step } from 'sluice';

export default pipeline({
  spin: step({
    in: 'spin/{n}',
    out: 'out/{n}.spin',
    timeout: 300,
    run: ({ input }) => {
      fs.writeFileSync(input + '.thread', String(threadId));
      while (true) {}
    },
  }),
  wait: step({
    in: 'wait/{n}',
    out: 'out/{n}.wait',
    run: ({ input }) => {
      fs.writeFileSync(input + '.thread', String(threadId));
      while (true) {}
    },
  }),
  note: step({
    in: 'note/{n}',
    out: 'out/{n}.note',
    run: ({ output }) => fs.writeFileSync(output, String(threadId)),
  }),
  burn: step({
    in: 'burn/{n}',
    out: 'out/{n}.burn',
    run: ({ output }) => {
      const startedAt = Date.now();
      let x = 0;
      while (Date.now() - startedAt < 400) x += Math.sqrt(x + 1);
      fs.writeFileSync(output, JSON.stringify({ startedAt, endedAt: Date.now(), threadId }));
    },
  }),
  // Burns CPU for 400 ms, and on until the other task has started too (at most 20 s): run one
  // after the other they cannot overlap; run at once they do, however slowly threads start.
  race: step({
    in: 'race/{n}',
    out: 'out/{n}.race',
    run: ({ input, output }) => {
      const startedAt = Date.now();
      fs.writeFileSync(input + '.started', '');
      const bothStarted = () => fs.readdirSync(path.dirname(input)).filter((name) => name.endsWith('.started')).length === 2;
      let x = 0;
      while (Date.now() - startedAt < 400 || (!bothStarted() && Date.now() - startedAt < 20000)) x += Math.sqrt(x + 1);
      fs.writeFileSync(output, JSON.stringify({ startedAt, endedAt: Date.now(), threadId }));
    },
  }),
});
`;

const project = (): string =>
  writeProject({ 'pipeline.ts': PIPELINE, 'spin/1': '', 'wait/1': '', 'note/1': '', 'note/2': '', 'burn/1': '', 'burn/2': '', 'race/1': '', 'race/2': '' });

describe('limits of function steps on worker threads', () => {
  it('ends the thread of a function that runs past its timeout, and replaces it', async () => {
    const dir = project();
    const plan = await planFile(path.join(dir, 'pipeline.ts'));
    const runner = createFunctionRunner({ threads: 1 });
    try {
      const result = await runStaged(runner, tasksOf(plan, 'spin')[0]!);
      assert.ok(!result.ok);
      assert.equal(result.timedOut, true);
      assert.match(result.message, /^timed out after 300 ms; its worker thread was terminated/);
      assert.equal(fs.existsSync(path.join(dir, 'out/1.spin')), false);
      // One thread at most: the next task runs on a new one, so the spinning one is gone.
      assert.deepEqual(await runStaged(runner, tasksOf(plan, 'note')[0]!), { ok: true });
      assert.notEqual(read(dir, 'out/1.note'), read(dir, 'spin/1.thread'));
    } finally {
      await runner.close();
    }
  });

  it('ends the thread of a cancelled function', async () => {
    const dir = project();
    const plan = await planFile(path.join(dir, 'pipeline.ts'));
    const runner = createFunctionRunner({ threads: 1 });
    try {
      const controller = new AbortController();
      const running = runStaged(runner, tasksOf(plan, 'wait')[0]!, controller.signal);
      while (!fs.existsSync(path.join(dir, 'wait/1.thread'))) await new Promise((resolve) => setTimeout(resolve, 20));
      controller.abort();
      const result = await running;
      assert.ok(!result.ok);
      assert.equal(result.cancelled, true);
      assert.equal(result.timedOut, undefined);
      assert.deepEqual(await runStaged(runner, tasksOf(plan, 'note')[0]!), { ok: true });
      assert.notEqual(read(dir, 'out/1.note'), read(dir, 'wait/1.thread'));
      const early = await runner.run(tasksOf(plan, 'note')[1]!, ['/nonexistent/never-written'], { signal: AbortSignal.abort() });
      assert.deepEqual(early, { ok: false, message: 'cancelled before it started', cancelled: true });
    } finally {
      await runner.close();
    }
  });

  it('ends the thread of a function cancelled through the handle the executor holds (startFunctionTask)', async () => {
    const dir = project();
    const plan = await planFile(path.join(dir, 'pipeline.ts'));
    const runner = createFunctionRunner({ threads: 1 });
    try {
      const task = tasksOf(plan, 'wait')[0]!;
      const handle = startFunctionTask(runner, task, [path.join(dir, 'never-written')], path.join(dir, 'wait.err'));
      while (!fs.existsSync(path.join(dir, 'wait/1.thread'))) await new Promise((resolve) => setTimeout(resolve, 20));
      handle.cancel();
      const result = await handle.done;
      assert.equal(result.cancelled, true);
      assert.equal(result.timedOut, false);
      assert.deepEqual(await runStaged(runner, tasksOf(plan, 'note')[0]!), { ok: true });
      assert.notEqual(read(dir, 'out/1.note'), read(dir, 'wait/1.thread'));
      // Cancelled again once it has ended: nothing happens to the thread that runs on.
      handle.cancel();
      assert.deepEqual(await runStaged(runner, tasksOf(plan, 'note')[1]!), { ok: true });
      assert.equal(read(dir, 'out/2.note'), read(dir, 'out/1.note'));
    } finally {
      await runner.close();
    }
  });

  it('runs CPU-bound functions on two threads at the same time', async () => {
    const dir = project();
    const plan = await planFile(path.join(dir, 'pipeline.ts'));
    const runner = createFunctionRunner({ threads: 2 });
    try {
      const results = await Promise.all(tasksOf(plan, 'race').map((task) => runStaged(runner, task)));
      assert.deepEqual(results, [{ ok: true }, { ok: true }]);
      const [a, b] = ['out/1.race', 'out/2.race'].map((file) => JSON.parse(read(dir, file)));
      assert.notEqual(a.threadId, b.threadId);
      // They overlapped when each started before the other ended.
      assert.ok(a.startedAt < b.endedAt && b.startedAt < a.endedAt, JSON.stringify({ a, b }));
    } finally {
      await runner.close();
    }
  });

  it('runs no more than `threads` functions at once', async () => {
    const dir = project();
    const plan = await planFile(path.join(dir, 'pipeline.ts'));
    const runner = createFunctionRunner({ threads: 1 });
    try {
      const results = await Promise.all(tasksOf(plan, 'burn').map((task) => runStaged(runner, task)));
      assert.deepEqual(results, [{ ok: true }, { ok: true }]);
      const [a, b] = ['out/1.burn', 'out/2.burn'].map((file) => JSON.parse(read(dir, file)));
      assert.equal(a.threadId, b.threadId);
      // One after the other, in whichever order they reached the runner.
      assert.ok(a.endedAt <= b.startedAt || b.endedAt <= a.startedAt, JSON.stringify({ a, b }));
    } finally {
      await runner.close();
    }
  });

  it('checks its options', () => {
    assert.throws(() => createFunctionRunner({ threads: 0 }), /Expected `threads` to be a positive integer, got `0`/);
  });
});
