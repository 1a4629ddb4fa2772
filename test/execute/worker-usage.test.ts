// What a function task used, measured on its worker thread: CPU time even of a function that
// takes well under a scheduler tick, the heap the thread holds at its end (Buffers included), for
// a function that throws too.
import assert from 'node:assert/strict';
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
