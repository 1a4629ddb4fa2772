import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Task } from '../../src/kernel/task.ts';
import { statFile, type FileStat } from '../../src/state/hashes/stat-file.ts';
import { confirmSnapshot, encodeSnapshotFor, snapshotPathOf, takeSnapshot, writeSnapshot, type ObservedStamp } from '../../src/state/freshness/up-to-date-snapshot.ts';
import { keepPlan, planIdentity, readKeptPlan, type KeptPlan } from '../../src/state/freshness/kept-plan.ts';
import { narrowKeptPlan } from '../../src/state/freshness/narrow-kept-plan.ts';
import { makeTempDir } from './helpers.ts';

function task(root: string, id: number, step: string, inputs: string[], outputs: string[]): Task {
  return { id, step, action: { kind: 'argv', argv: ['cp', ...inputs, ...outputs] }, inputs, outputs, cwd: root, resources: { cpus: 1, retries: 0 } };
}

// copy a → mid/a, then sum mid/a → out/a; copy b → mid/b, sum mid/b → out/b; and a snapshot of them.
function setUp(tasksOf: (root: string) => Task[] = chain, extra: Partial<KeptPlan> = {}) {
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
  const bytes = encodeSnapshotFor(file, snapshot);
  assert.ok(bytes);
  writeSnapshot(file, bytes);
  const plan: KeptPlan = {
    tasks,
    dependencies: new Map(tasks.filter((each) => each.step === 'sum').map((each) => [each.id, [each.id - 1]])),
    targets: new Set(tasks.filter((each) => each.step === 'sum').map((each) => each.id)),
    ...extra,
    listings: { folders: new Map(), exact: true, startedAtNs: later },
  };
  const identity = planIdentity(file, 'k', 1);
  keepPlan(identity, plan, bytes);
  // Writes a file the snapshot names, and says what the snapshot still vouches for.
  const change = (...names: string[]) => {
    for (const name of names) fs.writeFileSync(path.join(root, name), 'changed, longer');
    const confirmed = confirmSnapshot(file, 'k');
    assert.ok('why' in confirmed && confirmed.unchanged !== undefined, JSON.stringify(confirmed));
    const kept = readKeptPlan(identity, confirmed.unchanged);
    assert.ok(kept, 'the plan was kept, and holds');
    return narrowKeptPlan(kept, confirmed.unchanged);
  };
  return { root, plan, change };
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
  const { plan, change } = setUp();
  const narrowed = change('data/a');
  assert.ok(narrowed);
  assert.deepEqual(ids(narrowed.tasks), [1, 2]);
  assert.deepEqual([...narrowed.dependencies], [[1, []], [2, [1]]]);
  assert.deepEqual([...narrowed.targets], [2]);
  assert.deepEqual(narrowed.settled, { count: 2, steps: [['copy', 1], ['sum', 1]] });
  assert.deepEqual(ids(narrowed.programs), [1], 'one task per program, to look for it again');
  assert.deepEqual(narrowed.whole().tasks, JSON.parse(JSON.stringify(plan.tasks)), 'the whole plan, read on demand');
});

test('a task given for its own changed output needs none of the settled tasks upstream', () => {
  const { change } = setUp();
  const narrowed = change('out/b');
  assert.ok(narrowed);
  assert.deepEqual(ids(narrowed.tasks), [4]);
  assert.deepEqual([...narrowed.dependencies], [[4, []]], 'copy b is settled: nothing to wait for');
  assert.deepEqual(narrowed.settled, { count: 3, steps: [['copy', 2], ['sum', 1]] });
});

test('a kept plan is not narrowed when every task is touched, a step is temporary, or a step reads a folder a task makes', () => {
  assert.equal(setUp().change('data/a', 'data/b'), undefined);
  assert.equal(setUp((root) => chain(root).map((each) => (each.step === 'copy' ? { ...each, temporary: true } : each))).change('data/a'), undefined);
  assert.equal(setUp(chain, { folderLinks: new Map([[4, [3]]]) }).change('data/a'), undefined);
});

test('a kept plan is not narrowed by an index of another snapshot\'s files', () => {
  const { root, change } = setUp();
  // The snapshot taken again of other tasks (a file renamed): its paths differ from the index's.
  const snapshotFile = snapshotPathOf(root, 'pipeline.ts');
  const other = [task(root, 1, 'copy', ['data/b'], ['mid/b']), task(root, 2, 'copy', ['data/a'], ['mid/a'])];
  const stamps = new Map<string, ObservedStamp>(['data/a', 'data/b', 'mid/a', 'mid/b'].map((name) => [path.join(root, name), statFile(path.join(root, name)) as FileStat]));
  const later = BigInt(Date.now()) * 1_000_000n + 3_600_000_000_000n;
  writeSnapshot(snapshotFile, takeSnapshot({ file: snapshotFile, key: 'k', folders: new Map(), listedAtNs: later }, other, { inputs: stamps, outputs: stamps })!);
  assert.equal(change('data/a'), undefined);
});

// The kept plan's index, changed by `damage`.
function damageIndex(root: string, damage: (files: number[]) => number[]): void {
  const keptFile = path.join(root, '.sluice', 'plans', 'pipeline.ts.plan');
  const lines = fs.readFileSync(keptFile, 'utf8').split('\n');
  const meta = JSON.parse(lines[1] as string) as { index: { files: number[] } };
  meta.index.files = damage(meta.index.files);
  lines[1] = JSON.stringify(meta);
  fs.writeFileSync(keptFile, lines.join('\n'));
}

test('a kept plan is not narrowed by an index that does not name its tasks\' files', () => {
  // The first two tasks' files swapped: task 1 would be settled with its input changed.
  const swapped = setUp();
  damageIndex(swapped.root, (files) => [files[2], files[3], files[0], files[1], ...files.slice(4)] as number[]);
  assert.equal(swapped.change('data/a'), undefined);
  // data/a named by no task: every task would be settled.
  const unnamed = setUp();
  damageIndex(unnamed.root, (files) => [files[1], ...files.slice(1)] as number[]);
  assert.equal(unnamed.change('data/a'), undefined);
});

