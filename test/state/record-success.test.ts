import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { computeSignature } from '../../src/state/freshness/compute-signature.ts';
import { stampOf, statFile, statFolderTree } from '../../src/state/hashes/stat-file.ts';
import { statSuccesses } from '../../src/state/journal/record-success.ts';
import { makeTask, makeTempDir } from './helpers.ts';

// The outputs_stamp column of a success row (record-success.ts writes it 10th).
const stampsOf = (values: readonly unknown[]): string => values[9] as string;

test('a success row takes the stat its thread took of a file output, and stats a folder output itself', () => {
  const root = makeTempDir();
  fs.writeFileSync(path.join(root, 'a.txt'), 'a');
  fs.mkdirSync(path.join(root, 'tree'));
  fs.writeFileSync(path.join(root, 'tree', 'x'), 'x');
  const task = makeTask({ cwd: root, id: 1, inputs: [], outputs: ['a.txt', 'tree/', 'b.txt'] });
  fs.writeFileSync(path.join(root, 'b.txt'), 'b');
  const signature = computeSignature({ action: task.action, inputs: [], outputs: task.outputs });
  const taken = { size: 1n, mtimeNs: 123n, inode: 456n, ctimeNs: 789n };
  const folderGiven = { size: 9n, mtimeNs: 9n, inode: 9n, ctimeNs: 9n };
  const [row] = statSuccesses([{ task, attempt: 1, signature, startedAt: Date.now(), stats: [taken, folderGiven, undefined] }]);
  const expected = [
    stampOf(taken),
    stampOf(statFolderTree(path.join(root, 'tree')) as NonNullable<ReturnType<typeof statFolderTree>>),
    stampOf(statFile(path.join(root, 'b.txt')) as NonNullable<ReturnType<typeof statFile>>),
  ];
  assert.equal(stampsOf(row?.values ?? []), expected.join('|'));
});
