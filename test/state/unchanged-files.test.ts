import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Task } from '../../src/kernel/task.ts';
import { statFile, type FileStat } from '../../src/state/hashes/stat-file.ts';
import { confirmSnapshot, snapshotPathOf, takeSnapshot, writeSnapshot, type ObservedStamp } from '../../src/state/freshness/up-to-date-snapshot.ts';
import { fullStampOf } from '../../src/state/freshness/check-stamps.ts';
import { createSnapshotVouch, isStillCurrent, patchSnapshot, type UnchangedFiles } from '../../src/state/freshness/unchanged-files.ts';
import { makeTempDir } from './helpers.ts';

function task(root: string, id: number, inputs: string[], outputs: string[]): Task {
  return { id, step: 's', action: { kind: 'argv', argv: ['cp', ...inputs, ...outputs] }, inputs, outputs, cwd: root, resources: { cpus: 1, retries: 0 } };
}

// Two tasks a → out-a, b → out-b (one input outside the folder), a snapshot of them, and a file changed.
function setUp() {
  const root = makeTempDir();
  const outside = makeTempDir();
  fs.mkdirSync(path.join(root, 'data'));
  for (const [file, text] of [['data/a', 'a'], ['out-a', 'A'], ['out-b', 'B']]) fs.writeFileSync(path.join(root, file as string), text as string);
  fs.writeFileSync(path.join(outside, 'b'), 'b');
  const stat = (file: string): FileStat => statFile(path.resolve(root, file))!;
  const tasks = [task(root, 1, ['data/a'], ['out-a']), task(root, 2, [path.join(outside, 'b')], ['out-b'])];
  const inputs = new Map<string, ObservedStamp>([[path.join(root, 'data/a'), stat('data/a')], [path.join(outside, 'b'), stat(path.join(outside, 'b'))]]);
  const outputs = new Map<string, ObservedStamp>([[path.join(root, 'out-a'), stat('out-a')], [path.join(root, 'out-b'), stat('out-b')]]);
  const folders = new Map([[path.join(root, 'data'), fullStampOf(stat('data'))]]);
  const file = snapshotPathOf(root, 'pipeline.ts');
  const later = BigInt(Date.now()) * 1_000_000n + 3_600_000_000_000n;
  const snapshot = takeSnapshot({ file, key: 'k', folders, listedAtNs: later }, tasks, { inputs, outputs });
  assert.ok(snapshot);
  assert.equal(snapshot.folders, 1);
  writeSnapshot(file, snapshot);
  return { root, outside, tasks, file, stat };
}

function unchangedOf(file: string): UnchangedFiles {
  const confirmed = confirmSnapshot(file, 'k');
  assert.ok('why' in confirmed && confirmed.unchanged !== undefined, JSON.stringify(confirmed));
  return confirmed.unchanged;
}

test('a snapshot whose files changed, but no folder, vouches for the tasks none of whose files did', () => {
  const { root, outside, tasks, file, stat } = setUp();
  assert.deepEqual(confirmSnapshot(file, 'k'), { tasks: 2 });
  fs.writeFileSync(path.join(outside, 'b'), 'bb');
  const vouch = createSnapshotVouch(unchangedOf(file));
  assert.equal(vouch(tasks[0]!), true, 'task 1: data/a and out-a unchanged');
  assert.equal(vouch(tasks[1]!), false, 'task 2: its input outside the folder changed');
  assert.deepEqual([...vouch.ids], [1]);
  // A file the snapshot does not name, and a folder output, are never vouched for.
  assert.equal(vouch(task(root, 3, ['data/a'], ['out-c'])), false);
  assert.equal(vouch(task(root, 4, ['data/a'], ['out-a/'])), false);
  // The same file named from another folder, or not plainly, is the same file.
  assert.equal(vouch(task(path.join(root, 'data'), 5, ['a'], ['../out-a'])), true);
  assert.equal(vouch(task(root, 6, ['./data/a'], ['out-a'])), true);
});

test('the snapshot left after such a run is the one read, with what the run saw of the changed files', () => {
  const { root, outside, tasks, file, stat } = setUp();
  fs.writeFileSync(path.join(outside, 'b'), 'bb');
  const unchanged = unchangedOf(file);
  const vouch = createSnapshotVouch(unchanged);
  for (const each of tasks) vouch(each);
  const b = path.join(outside, 'b');
  // Task 2 ran: its input as the survey trusted it, its output as it is after the run.
  fs.writeFileSync(path.join(root, 'out-b'), 'BB');
  const observed = { inputs: new Map<string, ObservedStamp>([[b, stat(b)]]), outputs: new Map<string, ObservedStamp>([[path.join(root, 'out-b'), stat('out-b')]]) };
  const bytes = patchSnapshot(unchanged, vouch, tasks, new Set([1]), observed);
  assert.ok(bytes);
  fs.writeFileSync(file, bytes);
  assert.deepEqual(confirmSnapshot(file, 'k'), { tasks: 2 }, 'every file as the run left it');
  // The same, had task 2 not run: its output changed under a task judged up to date.
  assert.equal(patchSnapshot(unchanged, vouch, tasks, new Set([1, 2]), observed), undefined);
  // A changed file no task observed.
  assert.equal(patchSnapshot(unchanged, vouch, tasks, new Set([1]), { inputs: new Map(), outputs: observed.outputs }), undefined);
  // A file task 1 was vouched for, which task 2 names with another stamp.
  const shared = [tasks[0]!, task(root, 2, [b, 'data/a'], ['out-b'])];
  const sharing = createSnapshotVouch(unchanged);
  for (const each of shared) sharing(each);
  const other = new Map(observed.inputs).set(path.join(root, 'data/a'), { ...stat('data/a'), size: 99n });
  assert.equal(patchSnapshot(unchanged, sharing, shared, new Set([1]), { inputs: other, outputs: observed.outputs }), undefined);
});

test('nothing is vouched for when a folder the plan listed changed', () => {
  const { root, outside, file } = setUp();
  fs.writeFileSync(path.join(outside, 'b'), 'bb');
  fs.writeFileSync(path.join(root, 'data/new'), 'n');
  const confirmed = confirmSnapshot(file, 'k');
  assert.ok('why' in confirmed);
  assert.equal(confirmed.unchanged, undefined);
  assert.match(confirmed.why, /data changed/);
});

test('what a snapshot vouched for holds only while the snapshot is there as it was read', () => {
  const { outside, file } = setUp();
  fs.writeFileSync(path.join(outside, 'b'), 'bb');
  const unchanged = unchangedOf(file);
  assert.equal(isStillCurrent(unchanged), true);
  // Another run's snapshot in its place (written whole, then renamed): not the one read.
  const copy = `${file}.new`;
  fs.copyFileSync(file, copy);
  fs.renameSync(copy, file);
  assert.equal(isStillCurrent(unchanged), false);
  fs.rmSync(file);
  assert.equal(isStillCurrent(unchanged), false);
});
