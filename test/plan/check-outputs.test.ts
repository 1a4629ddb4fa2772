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
