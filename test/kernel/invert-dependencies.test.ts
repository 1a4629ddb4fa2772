import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { invertDependencies } from '../../src/kernel/invert-dependencies.ts';

describe('invertDependencies', () => {
  it('gives each task the tasks that need it, in the order they were listed', () => {
    const dependencies = new Map<number, readonly number[]>([
      [1, []],
      [2, [1]],
      [3, [1, 2]],
      [4, [1]],
    ]);
    assert.deepEqual([...invertDependencies(dependencies)], [
      [1, [2, 3, 4]],
      [2, [3]],
    ]);
  });

  it('gives nothing for a plan without dependencies', () => {
    assert.equal(invertDependencies(new Map()).size, 0);
  });
});
