// A task's learned stamps (state/freshness/task-stamps.ts): what they vouch for, what they refuse
// to be learned from, and that a damaged or foreign blob vouches for nothing.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { checkStampSlowly, createStampCheck, STAMP_WORDS } from '../../src/state/freshness/check-stamps.ts';
import { confirmTaskStamps, decodeTaskStamps, encodeTaskStamps, statsToLearn } from '../../src/state/freshness/task-stamps.ts';
import { statFile, type FileStat } from '../../src/state/hashes/stat-file.ts';
import { makeTempDir, writeOldFile } from './helpers.ts';

function setUp() {
  const root = makeTempDir();
  writeOldFile(path.join(root, 'in.txt'), 'in');
  writeOldFile(path.join(root, 'out.txt'), 'out');
  const task = { inputs: ['in.txt'], outputs: ['out.txt'], cwd: root };
  const stats = [statFile(path.join(root, 'in.txt'))!, statFile(path.join(root, 'out.txt'))!];
  return { root, task, stats };
}

test('stamps confirm a task while every file is as it was, with either stat check', () => {
  const { root, task, stats } = setUp();
  const words = decodeTaskStamps(encodeTaskStamps(stats), task);
  assert.ok(words);
  for (const check of [createStampCheck(path.join(root, 'in.txt')), checkStampSlowly]) {
    assert.equal(confirmTaskStamps(task, words, check), true);
  }
  // Only the ctime moves: chmod and back.
  fs.chmodSync(path.join(root, 'out.txt'), 0o600);
  fs.chmodSync(path.join(root, 'out.txt'), 0o644);
  for (const check of [createStampCheck(path.join(root, 'in.txt')), checkStampSlowly]) {
    assert.equal(confirmTaskStamps(task, words, check), false, 'ctime changed');
  }
  fs.rmSync(path.join(root, 'in.txt'));
  assert.equal(confirmTaskStamps(task, words, checkStampSlowly), false, 'an input deleted');
});

test('a blob of another length, mark or byte order vouches for nothing; a misaligned one is read alike', () => {
  const { task, stats } = setUp();
  const blob = encodeTaskStamps(stats);
  assert.equal(decodeTaskStamps(null, task), undefined);
  assert.equal(decodeTaskStamps(blob.subarray(4), task), undefined, 'a file short');
  assert.equal(decodeTaskStamps(encodeTaskStamps([stats[0]!]), task), undefined, 'the stamps of another number of files');
  assert.equal(decodeTaskStamps(Uint8Array.from(blob).reverse(), task), undefined, 'bytes reversed: the mark is not found');
  const damaged = Uint8Array.from(blob);
  damaged[0] = (damaged[0] as number) ^ 1;
  assert.equal(decodeTaskStamps(damaged, task), undefined, 'the mark damaged');
  const shifted = new Uint8Array(blob.length + 1).subarray(1);
  shifted.set(blob);
  assert.deepEqual(decodeTaskStamps(shifted, task), decodeTaskStamps(blob, task));
  assert.equal(decodeTaskStamps(blob, task)?.length, 1 + 2 * STAMP_WORDS);
});

test('stamps are learned only from trusted inputs and present, plain outputs', () => {
  const { root, task, stats } = setUp();
  const trusted = new Map<string, FileStat | null>([[path.join(root, 'in.txt'), stats[0]!]]);
  assert.equal(statsToLearn(task, trusted, [stats[1]])?.length, 2);
  assert.equal(statsToLearn(task, new Map(), [stats[1]]), undefined, 'an input whose hash was not trusted');
  assert.equal(statsToLearn(task, new Map([[path.join(root, 'in.txt'), null]]), [stats[1]]), undefined, 'an input absent');
  assert.equal(statsToLearn(task, trusted, [undefined]), undefined, 'an output absent (a deleted temporary)');
  assert.equal(statsToLearn({ ...task, outputs: ['out/'] }, trusted, [stats[1]]), undefined, 'a folder output');
});

test("in the process's own folder, plain names are stat'ed as written and still see every change; others are resolved", (t) => {
  const { root, task, stats } = setUp();
  const before = process.cwd();
  process.chdir(root);
  t.after(() => process.chdir(before));
  // The task's folder as the planner has it: the process's own.
  const here = { ...task, cwd: process.cwd() };
  const words = decodeTaskStamps(encodeTaskStamps(stats), here);
  assert.ok(words);
  const asked: string[] = [];
  const fast = createStampCheck(path.join(root, 'in.txt'));
  const recording = (file: string, of: ArrayLike<number>, at: number): boolean => (asked.push(file), fast(file, of, at));
  assert.equal(confirmTaskStamps(here, words, recording), true);
  assert.deepEqual(asked, ['in.txt', 'out.txt']);
  // A name with `..` or `.` is resolved first: the kernel would follow a link where path.resolve does not.
  fs.mkdirSync(path.join(root, 'sub'));
  const dotted = { ...here, inputs: ['sub/../in.txt'], outputs: ['./out.txt'] };
  asked.length = 0;
  assert.equal(confirmTaskStamps(dotted, words, recording), true);
  assert.deepEqual(asked.slice(-2), [path.join(root, 'in.txt'), path.join(root, 'out.txt')]);
  // Each file's change is seen through its plain name, by both checks.
  fs.writeFileSync(path.join(root, 'out.txt'), 'changed');
  for (const check of [fast, checkStampSlowly]) assert.equal(confirmTaskStamps(here, words, check), false, 'an output rewritten');
  fs.rmSync(path.join(root, 'in.txt'));
  for (const check of [fast, checkStampSlowly]) assert.equal(confirmTaskStamps(here, words, check), false, 'an input deleted');
});
