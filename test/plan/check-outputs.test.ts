import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PlanError } from '../../src/errors.ts';
import { checkOutputs } from '../../src/plan/check-outputs.ts';
import type { Task } from '../../src/kernel/task.ts';

function task(id: number, cwd: string, inputs: string[], outputs: string[]): Task {
  return { id, step: 'map', action: { kind: 'argv', argv: ['true'] }, inputs, outputs, cwd, resources: { cpus: 1, retries: 0 } };
}

// The plain relative paths take a short cut that resolves nothing: it must agree with path.resolve.
describe('checkOutputs: one file however its path is written', () => {
  const spellings: Array<[string, string, string]> = [
    ['/work', 'out/x', 'out/x'],
    ['/work', 'out/x', './out/x'],
    ['/work', 'out/x', 'out//x'],
    ['/work', 'out/x', 'out/x/'],
    ['/work', 'out/x', '/work/out/x'],
    ['/work', 'out/x', 'sub/../out/x'],
    ['/work', '.hidden/x', './.hidden/x'],
    ['/', 'out/x', '/out/x'],
    ['/work/', 'out/x', '/work/out/x'],
  ];
  for (const [cwd, first, second] of spellings) {
    it(`\`${first}\` and \`${second}\` in ${cwd} clash`, () => {
      assert.throws(() => checkOutputs([task(1, cwd, ['a'], [first]), task(2, cwd, ['b'], [second])]), PlanError);
    });
  }

  it('tasks in other folders clash on the same absolute file, and only then', () => {
    assert.throws(() => checkOutputs([task(1, '/work', ['a'], ['sub/x']), task(2, '/work/sub', ['b'], ['x'])]), /same output path/);
    assert.throws(() => checkOutputs([task(1, '/work/sub', ['a'], ['x']), task(2, '/work', ['b'], ['sub/x'])]), /same output path/);
    assert.throws(() => checkOutputs([task(1, '/other', ['a'], ['x']), task(2, '/work', ['b'], ['/other/x'])]), /same output path/);
    checkOutputs([task(1, '/work', ['a'], ['x']), task(2, '/work/sub', ['b'], ['x'])]);
    checkOutputs([task(1, '/work', ['a'], ['x']), task(2, '/other', ['b'], ['x'])]);
  });

  it('an input written another way is still the output of a task', () => {
    assert.throws(() => checkOutputs([task(1, '/work', ['in'], ['out/x']), task(2, '/work', ['./out/x'], ['y'])]), /also an input: \.\/out\/x/);
    assert.throws(() => checkOutputs([task(1, '/work', ['in'], ['/work/out/x']), task(2, '/work', ['out/x'], ['y'])]), /also an input: out\/x/);
  });
});

// Clashes are found by sorting every path (a million-task plan): wherever the two tasks stand.
describe('checkOutputs: a clash among many tasks', () => {
  const many = (count: number): Task[] => Array.from({ length: count }, (_, index) => task(index + 1, '/work', [`in/${index}.fq`], [`out/${index}.bam`]));

  it('passes a plan without one', () => {
    checkOutputs(many(2_000));
  });

  it('names the two tasks that write one path, however far apart', () => {
    const tasks = many(2_000);
    tasks[1_500] = task(1_501, '/work', ['in/1500.fq'], ['out/3.bam']);
    assert.throws(() => checkOutputs(tasks), { message: 'Two tasks would write the same output path: out/3.bam (tasks 4 for in/3.fq and 1501 for in/1500.fq)' });
  });

  it('names the task whose output another reads, in order after or before it', () => {
    const later = many(2_000);
    later[1_999] = task(2_000, '/work', ['out/7.bam'], ['out/1999.bam']);
    assert.throws(() => checkOutputs(later), { message: 'An output path is also an input: out/7.bam (output of task 8 for in/7.fq)' });
    const earlier = many(2_000);
    earlier[0] = task(1, '/work', ['./out/1998.bam'], ['out/0.bam']);
    assert.throws(() => checkOutputs(earlier), { message: 'An output path is also an input: ./out/1998.bam (output of task 1999 for in/1998.fq)' });
  });

  it('refuses a task that writes its own input', () => {
    const tasks = many(100);
    tasks[50] = task(51, '/work', ['out/50.bam'], ['out/50.bam']);
    assert.throws(() => checkOutputs(tasks), /also an input: out\/50\.bam \(output of task 51 for out\/50\.bam\)/);
  });
});
