import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildStepContext } from '../../src/execute/worker/build-step-context.ts';
import { all } from '../../src/plan/define-pipeline.ts';
import type { Task } from '../../src/kernel/task.ts';

const action = { kind: 'function', module: '/p/pipeline.ts', step: 's', source: '() => {}' } as const;

function taskWith(fields: Partial<Task>): Task {
  return { id: 4, step: 's', action, inputs: [], outputs: [], cwd: '/p', resources: { cpus: 1, retries: 0 }, ...fields };
}

describe('buildStepContext', () => {
  it('gives one input and one output as paths, absolute against the task folder', () => {
    const task = taskWith({ inputs: ['data/a.txt'], outputs: ['out/a.csv'], inputNames: { 0: 0 }, outputNames: { 0: 0 }, wildcards: { name: 'a' }, params: { n: 1 } });
    const context = buildStepContext(task, { in: 'data/{name}.txt', out: 'out/{name}.csv' }, ['/p/out/.tmp/a.csv']);
    assert.deepEqual(context, {
      wildcards: { name: 'a' },
      input: '/p/data/a.txt',
      inputs: '/p/data/a.txt',
      output: '/p/out/.tmp/a.csv',
      outputs: '/p/out/.tmp/a.csv',
      log: undefined,
      logs: undefined,
      params: { n: 1 },
      threads: 1,
      step: 's',
      taskId: 4,
    });
  });

  it('gives logs in place (never staged), absolute, in the shape declared', () => {
    const task = taskWith({ outputs: ['o/a'], logs: ['logs/a.tool', '/var/log/a.ours'] });
    const named = buildStepContext(task, { out: 'o/a', log: { tool: 'logs/{s}.tool', ours: '/var/log/{s}.ours' } }, ['/t/a']);
    assert.equal(named.log, '/p/logs/a.tool');
    assert.deepEqual(named.logs, { tool: '/p/logs/a.tool', ours: '/var/log/a.ours' });
    const list = buildStepContext(task, { out: 'o/a', log: ['logs/{s}.tool', '/var/log/{s}.ours'] }, ['/t/a']);
    assert.deepEqual(list.logs, ['/p/logs/a.tool', '/var/log/a.ours']);
    const single = buildStepContext({ ...task, logs: ['logs/a.tool'] }, { out: 'o/a', log: 'logs/{s}.tool' }, ['/t/a']);
    assert.deepEqual([single.log, single.logs], ['/p/logs/a.tool', '/p/logs/a.tool']);
  });

  it('keeps lists as lists and records as records, with a list for each gather', () => {
    const task = taskWith({
      inputs: ['/abs/ref.fa', 'x/1.txt', 'x/2.txt', 'cfg'],
      outputs: ['o/a', 'o/b'],
      inputNames: { ref: 0, parts: [1, 2], cfg: 3 },
      outputNames: { first: 0, second: 1 },
    });
    const context = buildStepContext(
      task,
      { in: { ref: '/abs/ref.fa', parts: all('x/{n}.txt'), cfg: 'cfg' }, out: { first: 'o/a', second: 'o/b' } },
      ['/t/a', '/t/b'],
    );
    assert.deepEqual(context.inputs, { ref: '/abs/ref.fa', parts: ['/p/x/1.txt', '/p/x/2.txt'], cfg: '/p/cfg' });
    assert.deepEqual(context.outputs, { first: '/t/a', second: '/t/b' });
    assert.equal(context.input, '/abs/ref.fa');

    const listed = buildStepContext(taskWith({ inputs: ['a', 'b'], outputs: ['c', 'd'] }), { in: ['a', 'b'], out: ['c', 'd'] }, ['/t/c', '/t/d']);
    assert.deepEqual(listed.inputs, ['/p/a', '/p/b']);
    assert.deepEqual(listed.outputs, ['/t/c', '/t/d']);
  });

  it('gives a step without inputs an empty list and no wildcards', () => {
    const context = buildStepContext(taskWith({ outputs: ['o'] }), { out: 'o' }, ['/t/o']);
    assert.deepEqual(context.inputs, []);
    assert.equal(context.input, '');
    assert.deepEqual(context.wildcards, {});
    assert.deepEqual(context.params, {});
  });
});
