import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Task } from '../../src/kernel/task.ts';
import { linkTasks } from '../../src/plan/link-tasks.ts';

function task(id: number, step: string, cwd: string, outputs: string[]): Task {
  return { id, step, action: { kind: 'argv', argv: ['true'] }, inputs: [], outputs, cwd, resources: { cpus: 1, retries: 0 } };
}

const FILE = '/work/pipeline.ts';

// The folders above the outputs are walked once per folder: a nested output must still be
// found wherever it stands among many in one folder, and however deep.
describe('linkTasks: an output inside another', () => {
  const many = (count: number): Task[] => Array.from({ length: count }, (_, index) => task(index + 1, 'copy', '/work', [`out/${index}.txt`]));

  it('passes many outputs side by side in one folder', () => {
    assert.equal(linkTasks(many(1_000), FILE, new Set()).size, 1_000);
  });

  it('finds a file output under another task, after or before it, one or more folders down', () => {
    for (const nested of ['out/7.txt/x', 'out/7.txt/a/b/c']) {
      const after = [...many(500), task(501, 'deep', '/work', [nested])];
      assert.throws(() => linkTasks(after, FILE, new Set()), { message: new RegExp(`^Output \`${nested}\` of task \`deep\` lies inside \`out/7\\.txt\`, an output of task \`copy\``) });
      const before = [task(1, 'deep', '/work', [nested]), ...many(500).map((t) => ({ ...t, id: t.id + 1 }))];
      assert.throws(() => linkTasks(before, FILE, new Set()), /lies inside `out\/7\.txt`/);
    }
  });

  it('names the nearest output that holds it, across working folders and for folder outputs', () => {
    const all = task(1, 'all', '/work', ['out/']);
    const one = task(2, 'one', '/work/out', ['a/']);
    const leaf = task(3, 'leaf', '/work', ['/work/out/a/b.txt']);
    assert.throws(() => linkTasks([leaf, one], FILE, new Set()), /`\/work\/out\/a\/b\.txt` of task `leaf` lies inside `a\/`, an output of task `one`/);
    assert.throws(() => linkTasks([all, leaf], FILE, new Set()), /`\/work\/out\/a\/b\.txt` of task `leaf` lies inside `out\/`, an output of task `all`/);
    assert.throws(() => linkTasks([all, one], FILE, new Set()), /`a\/` of task `one` lies inside `out\/`, an output of task `all`/);
  });

  it('does not take a sibling with a common prefix for a folder', () => {
    assert.equal(linkTasks([task(1, 'a', '/work', ['out']), task(2, 'b', '/work', ['out2/x', 'outer/x'])], FILE, new Set()).size, 2);
  });
});
