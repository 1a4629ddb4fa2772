import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Task } from '../../src/kernel/task.ts';
import { statFile, type FileStat } from '../../src/state/hashes/stat-file.ts';
import { confirmSnapshot, snapshotPathOf, takeSnapshot, writeSnapshot, type ObservedStamp } from '../../src/state/freshness/up-to-date-snapshot.ts';
import type { KeptPlan } from '../../src/state/freshness/kept-plan.ts';
import { narrowKeptPlan } from '../../src/state/freshness/narrow-kept-plan.ts';
import type { UnchangedFiles } from '../../src/state/freshness/unchanged-files.ts';
import { makeTempDir } from './helpers.ts';

function task(root: string, id: number, step: string, inputs: string[], outputs: string[]): Task {
  return { id, step, action: { kind: 'argv', argv: ['cp', ...inputs, ...outputs] }, inputs, outputs, cwd: root, resources: { cpus: 1, retries: 0 } };
}

// copy a → mid/a, then sum mid/a → out/a; copy b → mid/b, sum mid/b → out/b; and a snapshot of them.
function setUp(tasksOf: (root: string) => Task[] = chain) {
  const root = makeTempDir();
  for (const folder of ['data', 'mid', 'out']) fs.mkdirSync(path.join(root, folder));
  for (const name of ['data/a', 'data/b', 'mid/a', 'mid/b', 'out/a', 'out/b']) fs.writeFileSync(path.join(root, name), name);
  const tasks = tasksOf(root);
  const stamps = new Map<string, ObservedStamp>();
  for (const each of tasks) for (const name of [...each.inputs, ...each.outputs]) stamps.set(path.join(root, name), statFile(path.join(root, name)) as FileStat);
  const file = snapshotPathOf(root, 'pipeline.ts');
  const later = BigInt(Date.now()) * 1_000_000n + 3_600_000_000_000n;
  const snapshot = takeSnapshot({ file, key: 'k', folders: new Map(), listedAtNs: later }, tasks, { inputs: stamps, outputs: stamps });
  assert.ok(snapshot);
  writeSnapshot(file, snapshot);
  const kept: KeptPlan = {
    tasks,
    dependencies: new Map([[2, [1]], [4, [3]]]),
    targets: new Set([2, 4]),
    listings: { folders: new Map(), exact: true, startedAtNs: later },
  };
  // Writes a file the snapshot names, and says what the snapshot still vouches for.
  const change = (...names: string[]): UnchangedFiles => {
    for (const name of names) fs.writeFileSync(path.join(root, name), 'changed, longer');
    const confirmed = confirmSnapshot(file, 'k');
    assert.ok('why' in confirmed && confirmed.unchanged !== undefined, JSON.stringify(confirmed));
    return confirmed.unchanged;
  };
  return { root, kept, change };
}

function chain(root: string): Task[] {
  return [
    task(root, 1, 'copy', ['data/a'], ['mid/a']),
    task(root, 2, 'sum', ['mid/a'], ['out/a']),
    task(root, 3, 'copy', ['data/b'], ['mid/b']),
    task(root, 4, 'sum', ['mid/b'], ['out/b']),
  ];
}

const ids = (tasks: readonly Task[]): number[] => tasks.map((each) => each.id);

test('a kept plan is narrowed to the tasks that name a changed file and those downstream of them', () => {
  const { kept, change } = setUp();
  const narrowed = narrowKeptPlan(kept, change('data/a'));
  assert.ok(narrowed);
  assert.deepEqual(ids(narrowed.tasks), [1, 2]);
  assert.deepEqual([...narrowed.dependencies], [[2, [1]]]);
  assert.deepEqual([...narrowed.targets], [2]);
  assert.deepEqual(narrowed.settled, { count: 2, steps: [['copy', 1], ['sum', 1]] });
  assert.equal(narrowed.whole, kept);
});

test('a task given for its own changed output needs none of the settled tasks upstream', () => {
  const { kept, change } = setUp();
  const narrowed = narrowKeptPlan(kept, change('out/b'));
  assert.ok(narrowed);
  assert.deepEqual(ids(narrowed.tasks), [4]);
  assert.deepEqual([...narrowed.dependencies], [[4, []]], 'copy b is settled: nothing to wait for');
  assert.deepEqual(narrowed.settled, { count: 3, steps: [['copy', 2], ['sum', 1]] });
});

test('a kept plan is not narrowed when every task is touched, a step is temporary, or a step reads a folder a task makes', () => {
  const { kept, change } = setUp();
  assert.equal(narrowKeptPlan(kept, change('data/a', 'data/b')), undefined);
  const temporary = setUp((root) => chain(root).map((each) => (each.step === 'copy' ? { ...each, temporary: true } : each)));
  assert.equal(narrowKeptPlan(temporary.kept, temporary.change('data/a')), undefined);
  const folders = setUp();
  assert.equal(narrowKeptPlan({ ...folders.kept, folderLinks: new Map([[4, [3]]]) }, folders.change('data/a')), undefined);
});
