import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Task } from '../../src/kernel/task.ts';
import { statFile, type FileStat } from '../../src/state/hashes/stat-file.ts';
import { confirmSnapshot, snapshotPathOf, takeSnapshot, writeSnapshot, type ObservedStamp } from '../../src/state/freshness/up-to-date-snapshot.ts';
import { fullStampOf, wordsOfStat } from '../../src/state/freshness/check-stamps.ts';
import { createSnapshotVouch, isStillCurrent, type UnchangedFiles } from '../../src/state/freshness/unchanged-files.ts';
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
  const words = vouch(tasks[0]!);
  assert.ok(words, 'task 1: data/a and out-a unchanged');
  assert.deepEqual([...words.subarray(1, 11)], [...wordsOfStat(stat('data/a'))]);
  assert.deepEqual([...words.subarray(11, 21)], [...wordsOfStat(stat('out-a'))]);
  assert.equal(vouch(tasks[1]!), undefined, 'task 2: its input outside the folder changed');
  assert.equal(vouch.vouched, 1);
  // A file the snapshot does not name, and a folder output, are never vouched for.
  assert.equal(vouch(task(root, 3, ['data/a'], ['out-c'])), undefined);
  assert.equal(vouch(task(root, 4, ['data/a'], ['out-a/'])), undefined);
  // The same file named from another folder, or not plainly, is the same file.
  assert.ok(vouch({ ...task(path.join(root, 'data'), 5, ['a'], ['../out-a']) }));
  assert.ok(vouch(task(root, 6, ['./data/a'], ['out-a'])));
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
