// What a function task used, measured on its worker thread: CPU time even of a function that
// takes well under a scheduler tick, the heap the thread holds at its end (Buffers included), for
// a function that throws too.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';
import { createFunctionRunner } from '../../src/execute/worker/create-function-runner.ts';
import { planFile, runStagedWithUsage, tasksOf, writeProject } from './worker-fixtures.ts';

const PIPELINE = `
import fs from 'node:fs';
import { pipeline, step } from 'sluice';

export default pipeline({
  tiny: step({ in: 'in/{n}', out: 'out/{n}.tiny', run: ({ output }) => fs.writeFileSync(output, 'x') }),
  hold: step({
    in: 'in/{n}',
    out: 'out/{n}.hold',
    run: ({ output }) => {
      const rows = Array.from({ length: 300_000 }, (_, i) => 'row ' + i);
      const block = Buffer.alloc(32 * 1024 * 1024, 1);
      fs.writeFileSync(output, String(rows.length + block.length));
    },
  }),
  throws: step({ in: 'in/{n}', out: 'out/{n}.never', run: () => { throw new Error('no good'); } }),
});
`;

it('measures each function on its thread: CPU time, heap, whether it returns or throws', async () => {
  const dir = writeProject({ 'pipeline.ts': PIPELINE, 'in/1': 'one', 'in/2': 'two', 'in/3': 'three' });
  const plan = await planFile(path.join(dir, 'pipeline.ts'));
  const runner = createFunctionRunner({ threads: 1 });
  try {
    // A function that writes one small file takes far less than a tick of the scheduler.
    for (const task of tasksOf(plan, 'tiny')) {
      const result = await runStagedWithUsage(runner, task);
      assert.ok(result.ok);
      const usage = result.usage;
      assert.ok(usage !== undefined, 'measured');
      assert.ok(usage.cpuUserUs + usage.cpuSystemUs > 0, JSON.stringify(usage));
      assert.ok(usage.cpuUserUs >= 0 && usage.cpuSystemUs >= 0);
      assert.ok((usage.heapKb ?? 0) > 0, JSON.stringify(usage));
      assert.equal(usage.maxRssKb, undefined, 'no process of its own');
    }
    const held = await runStagedWithUsage(runner, tasksOf(plan, 'hold')[0]!);
    assert.ok(held.ok);
    assert.ok((held.usage?.heapKb ?? 0) >= 32 * 1024, JSON.stringify(held.usage));
    const thrown = await runStagedWithUsage(runner, tasksOf(plan, 'throws')[0]!);
    assert.ok(!thrown.ok);
    assert.equal(thrown.message, 'no good');
    assert.ok(thrown.usage !== undefined && thrown.usage.cpuUserUs + thrown.usage.cpuSystemUs > 0, JSON.stringify(thrown.usage));
  } finally {
    await runner.close();
  }
});

/** The /proc files of threads (/proc/thread-self/... as opened) this process holds open. */
function openThreadFiles(): number {
  let count = 0;
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try {
      if (/^\/proc\/\d+\/task\/\d+\/(stat|schedstat)$/.test(fs.readlinkSync(`/proc/self/fd/${fd}`))) count++;
    } catch {
      // The readdir's own descriptor, closed meanwhile.
    }
  }
  return count;
}

it('keeps its thread\'s /proc files open from task to task, and they close with the thread, even one terminated', { skip: process.platform !== 'linux' }, async () => {
  const before = openThreadFiles();
  const dir = writeProject({ 'pipeline.ts': PIPELINE.replace("throw new Error('no good');", 'for (;;);'), 'in/1': 'one', 'in/2': 'two' });
  const plan = await planFile(path.join(dir, 'pipeline.ts'));
  const runner = createFunctionRunner({ threads: 1 });
  try {
    for (const task of tasksOf(plan, 'tiny')) assert.ok((await runStagedWithUsage(runner, task)).ok);
    // Node 23.9 and later measure a thread without /proc.
    const viaProc = typeof (process as { threadCpuUsage?: unknown }).threadCpuUsage !== 'function';
    if (viaProc) assert.equal(openThreadFiles() - before, 2, 'one thread, two files, however many tasks');
    // A function that never returns: its thread is terminated when its time is up.
    const spin = { ...tasksOf(plan, 'throws')[0]!, resources: { ...tasksOf(plan, 'throws')[0]!.resources, timeoutMs: 500 } };
    const ended = await runStagedWithUsage(runner, spin);
    assert.ok(!ended.ok && ended.timedOut === true, JSON.stringify(ended));
    assert.equal(openThreadFiles(), before, 'the terminated thread\'s files are closed');
    // A new thread measures as the first did.
    const again = await runStagedWithUsage(runner, tasksOf(plan, 'tiny')[0]!);
    assert.ok(again.ok && again.usage !== undefined && again.usage.cpuUserUs + again.usage.cpuSystemUs > 0, JSON.stringify(again));
  } finally {
    await runner.close();
  }
  assert.equal(openThreadFiles(), before, 'closed with the last thread');
});
