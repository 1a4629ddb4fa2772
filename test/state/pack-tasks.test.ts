// The kept plan's packing of tasks (state/freshness/pack-tasks.ts): what is read back is what was
// written, field for field, whatever fields the tasks have or lack.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTaskReader, packTasks, unpackTasks } from '../../src/state/freshness/pack-tasks.ts';

// Through JSON, as the kept plan is: undefined fields drop out there.
const roundTrip = (tasks: readonly object[]): unknown[] => unpackTasks(packTasks(tasks));
const asJson = (tasks: readonly object[]): unknown => JSON.parse(JSON.stringify(tasks));

describe('packTasks', () => {
  it('gives back the same tasks, two steps interleaved, fields present in one task and not the next', () => {
    const resources = { cpus: 1, retries: 0 };
    const tasks = [
      { id: 1, step: 'a', cwd: '/p', resources, inputs: ['x'], outputs: ['y'], temporary: true },
      { id: 2, step: 'a', cwd: '/p', resources, inputs: ['x2'], outputs: ['y2'] },
      { id: 3, step: 'b', cwd: '/p', resources: { cpus: 2, retries: 1 }, inputs: ['x2'], outputs: ['z'], env: { A: '1' } },
      { id: 4, step: 'a', cwd: '/q', resources, inputs: ['x2'], outputs: ['w'], stdoutOutput: undefined, temporary: true },
      { id: 5, step: 'a', cwd: '/q', resources, inputs: [], outputs: [], temporary: true, wildcards: { n: '~' } },
    ];
    assert.deepEqual(roundTrip(tasks), asJson(tasks));
    const packed = packTasks(tasks);
    const fields = packed.lines.map((line) => Object.keys(JSON.parse(line) as object).sort());
    assert.deepEqual(fields[4], ['id', 'inputs', 'outputs', 'wildcards', '~'], 'the fields equal to its anchor\'s are named by the mask only');
    assert.equal(fields.filter((keys) => !keys.includes('~')).length, 3, 'the first task of each run of one step is written whole');
  });

  it('writes every field of a task with more fields than a mask holds', () => {
    const wide = (id: number) => Object.fromEntries([['id', id], ...Array.from({ length: 40 }, (_, i) => [`f${i}`, i])]);
    const tasks = [wide(1), wide(2), wide(3)];
    assert.deepEqual(roundTrip(tasks), tasks);
  });

  it('keeps the key order of each task, and shares only what JSON would write alike', () => {
    const tasks = [
      { id: 1, wildcards: { a: '1', b: '2' }, inputs: ['x', 'y'] },
      { id: 2, wildcards: { b: '2', a: '1' }, inputs: ['x', 'y'] },
      { id: 3, wildcards: { b: '2', a: '1' }, inputs: ['x', 'z'] },
    ];
    const back = roundTrip(tasks) as { wildcards: object }[];
    assert.deepEqual(back.map((task) => Object.keys(task.wildcards)), [['a', 'b'], ['b', 'a'], ['b', 'a']]);
    assert.deepEqual(back, asJson(tasks));
    assert.deepEqual(packTasks(tasks).lines.map((line) => Object.keys(JSON.parse(line) as object).sort()), [['id', 'inputs', 'wildcards'], ['id', 'wildcards', '~'], ['id', 'inputs', 'wildcards', '~']]);
  });

  it('refuses a mask that names a field its anchor lacks, or an anchor that is none', () => {
    assert.throws(() => unpackTasks({ keys: ['id', 'step'], lines: ['{"id":1}', '{"id":2,"~":[2,0]}'] }), /takes `step` from a task that has none/);
    assert.throws(() => unpackTasks({ keys: ['id'], lines: ['{"id":1}', '{"id":2,"~":[1,0]}', '{"id":3,"~":[1,1]}'] }), /from a task that is no anchor/);
    assert.throws(() => unpackTasks({ keys: ['id'], lines: ['{"id":1}', '{"id":2,"~":[1,1]}'] }), /damaged mask/);
  });

  it('reads one task from its own line and its anchor\'s only', () => {
    const tasks = [1, 2, 3, 4].map((id) => ({ id, step: id < 3 ? 'a' : 'b', cwd: '/p', inputs: [`x${id}`] }));
    const { keys, lines } = packTasks(tasks);
    const read: number[] = [];
    const reader = createTaskReader(keys, lines.length, (i) => {
      read.push(i);
      return lines[i] as string;
    });
    assert.deepEqual(reader(3), tasks[3]);
    assert.deepEqual(read, [3, 2]);
    assert.throws(() => reader(4), /there is no task 5/);
  });

  it('packs nothing of no tasks', () => {
    assert.deepEqual(roundTrip([]), []);
  });
});
