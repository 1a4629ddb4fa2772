import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Task } from '../../src/kernel/task.ts';
import { statFile, type FileStat } from '../../src/state/hashes/stat-file.ts';
import { ABSENT, confirmSnapshot, forgetSnapshots, snapshotPathOf, takeSnapshot, writeSnapshot, type ObservedStamp } from '../../src/state/freshness/up-to-date-snapshot.ts';
import { BYTE_ORDER, fullStampOf, wordsOfStat } from '../../src/state/freshness/check-stamps.ts';
import { makeTempDir } from './helpers.ts';

const HOUR_NS = 3_600_000_000_000n;

const why = (result: { tasks: number } | { why: string }): string => ('why' in result ? result.why : `confirmed ${result.tasks}`);

function task(root: string, id: number, input: string, output: string): Task {
  return { id, step: 's', action: { kind: 'argv', argv: ['cp', input, output] }, inputs: [input], outputs: [output], cwd: root, resources: { cpus: 1, retries: 0 } };
}

function setUp() {
  const root = makeTempDir();
  fs.mkdirSync(path.join(root, 'data'));
  fs.writeFileSync(path.join(root, 'data/a'), 'a');
  fs.writeFileSync(path.join(root, 'out-a'), 'A');
  const stat = (file: string): FileStat => statFile(path.join(root, file))!;
  const tasks = [task(root, 1, 'data/a', 'out-a')];
  const observed = {
    inputs: new Map<string, ObservedStamp>([[path.join(root, 'data/a'), stat('data/a')]]),
    outputs: new Map<string, ObservedStamp>([[path.join(root, 'out-a'), stat('out-a')]]),
  };
  const folders = new Map([[path.join(root, 'data'), fullStampOf(stat('data'))], [path.join(root, 'none'), ABSENT]]);
  const later = BigInt(Date.now()) * 1_000_000n + HOUR_NS;
  return { root, tasks, observed, folders, later, file: snapshotPathOf(root, 'pipeline.ts') };
}

test('a snapshot confirms unchanged files and nothing else', () => {
  const { root, tasks, observed, folders, later, file } = setUp();
  const snapshot = takeSnapshot({ file, key: 'k', folders, listedAtNs: later }, tasks, observed);
  assert.ok(snapshot);
  assert.equal(snapshot.paths.length, 4);
  writeSnapshot(file, snapshot);
  assert.deepEqual(confirmSnapshot(file, 'k'), { tasks: 1 });
  assert.match(why(confirmSnapshot(file, 'other key')), /differ/);
  fs.mkdirSync(path.join(root, 'none'));
  assert.equal(why(confirmSnapshot(file, 'k')), `${path.join(root, 'none')} changed`, 'a folder that appeared');
  fs.rmdirSync(path.join(root, 'none'));
  assert.deepEqual(confirmSnapshot(file, 'k'), { tasks: 1 });
  // From the pipeline's folder the paths below it are stat'ed by their names: the same verdicts.
  const here = process.cwd();
  process.chdir(root);
  try {
    assert.deepEqual(confirmSnapshot(file, 'k'), { tasks: 1 }, 'from the pipeline folder');
    fs.writeFileSync(path.join(root, 'out-a'), 'AA');
    assert.equal(why(confirmSnapshot(file, 'k')), `${path.join(root, 'out-a')} changed`, 'an output rewritten, from the pipeline folder');
  } finally {
    process.chdir(here);
  }
  assert.equal(why(confirmSnapshot(file, 'k')), `${path.join(root, 'out-a')} changed`, 'an output rewritten');
  forgetSnapshots(root);
  assert.equal(fs.existsSync(file), false);
  assert.match(why(confirmSnapshot(file, 'k')), /no snapshot/);
});

test('a corrupt or foreign snapshot file is ignored, not trusted', () => {
  const { tasks, observed, folders, later, file } = setUp();
  writeSnapshot(file, takeSnapshot({ file, key: 'k', folders, listedAtNs: later }, tasks, observed)!);
  const good = fs.readFileSync(file);
  assert.deepEqual(confirmSnapshot(file, 'k'), { tasks: 1 }, 'the file as written');
  const newline = good.indexOf(10);
  const header = JSON.parse(good.toString('utf8', 0, newline)) as Record<string, unknown>;
  // The same words and paths under another header, padded as the writer pads it.
  const withHeader = (changes: Record<string, unknown>): Buffer => {
    const text = JSON.stringify({ ...header, ...changes });
    return Buffer.concat([Buffer.from(`${text}${' '.repeat(3 - (Buffer.byteLength(text) % 4))}\n`), good.subarray(newline + 1)]);
  };
  for (const [what, bytes] of [
    ['empty', Buffer.alloc(0)],
    ['no header line', Buffer.from('{"format":4')],
    ['a header that is not JSON', Buffer.concat([Buffer.from('{"format":4,'), good.subarray(newline)])],
    ['cut short', good.subarray(0, good.length - 3)],
    ['a path cut off', good.subarray(0, good.length - 1)],
    ['one byte more', Buffer.concat([good, Buffer.from([0])])],
    ['cut after the words', good.subarray(0, newline + 1 + 4 * 10 * 4)],
    ['an empty path', Buffer.concat([good.subarray(0, newline + 1 + 4 * 10 * 4), Buffer.from('a\0\0b\0c\0')])],
    ['words out of line', Buffer.concat([Buffer.from(' '), good])],
    ['another byte order', withHeader({ byteOrder: 'XE' })],
    ['more paths than stored', withHeader({ paths: 5 })],
    ['fewer paths than stored', withHeader({ paths: 3 })],
    ['no count', withHeader({ paths: '4' })],
    ['no base', withHeader({ base: null })],
    ['format 3 (JSON, base64 words)', withHeader({ format: 3 })],
    ['format 3 as written then', Buffer.from(`{"format":3,"byteOrder":"${BYTE_ORDER}","key":"k","tasks":1,"paths":["/"],"words":"AQAAAAIAAAADAAAA"}`)],
  ] as const) {
    fs.writeFileSync(file, bytes);
    assert.ok('why' in confirmSnapshot(file, 'k'), what);
  }
});

test('a snapshot names paths outside its folder whole, and one it cannot write back whole is not written', () => {
  const { root, tasks, observed, folders, later, file } = setUp();
  const elsewhere = makeTempDir();
  fs.writeFileSync(path.join(elsewhere, 'x'), 'x');
  // An absolute input outside the pipeline's folder, and one whose name holds a newline.
  fs.writeFileSync(path.join(root, 'data', 'new\nline'), 'n');
  const more = [...tasks, task(root, 2, path.join(elsewhere, 'x'), 'out-x'), task(root, 3, 'data/new\nline', 'out-n')];
  fs.writeFileSync(path.join(root, 'out-x'), 'X');
  fs.writeFileSync(path.join(root, 'out-n'), 'N');
  const inputs = new Map(observed.inputs);
  const outputs = new Map(observed.outputs);
  for (const name of [path.join(elsewhere, 'x'), path.join(root, 'data', 'new\nline')]) inputs.set(name, statFile(name)!);
  for (const name of ['out-x', 'out-n']) outputs.set(path.join(root, name), statFile(path.join(root, name))!);
  // data/ was listed after its new file came.
  const listed = new Map([...folders, [path.join(root, 'data'), fullStampOf(statFile(path.join(root, 'data'))!)]]);
  const snapshot = takeSnapshot({ file, key: 'k', folders: listed, listedAtNs: later }, more, { inputs, outputs });
  assert.ok(snapshot);
  writeSnapshot(file, snapshot);
  assert.deepEqual(confirmSnapshot(file, 'k'), { tasks: 3 });
  fs.writeFileSync(path.join(elsewhere, 'x'), 'y');
  assert.equal(why(confirmSnapshot(file, 'k')), `${path.join(elsewhere, 'x')} changed`, 'the input outside, rewritten');
  fs.writeFileSync(path.join(elsewhere, 'x'), 'x');
  // A folder named with a doubled slash, absent when listed, is the folder below the pipeline's,
  // not one at the top of the file system: it appears, the snapshot no longer confirms.
  const doubled = new Map([...listed, [`${root}//gone`, ABSENT]]);
  const withDoubled = takeSnapshot({ file, key: 'k', folders: doubled, listedAtNs: later }, more, { inputs: new Map([...inputs, [path.join(elsewhere, 'x'), statFile(path.join(elsewhere, 'x'))!]]), outputs });
  assert.ok(withDoubled);
  writeSnapshot(file, withDoubled);
  assert.deepEqual(confirmSnapshot(file, 'k'), { tasks: 3 });
  fs.mkdirSync(path.join(root, 'gone'));
  assert.equal(why(confirmSnapshot(file, 'k')), `${root}//gone changed`, 'the folder appeared');
  fs.rmSync(file);
  // A lone surrogate cannot go to UTF-8 and back: no snapshot rather than one naming another file.
  const odd = path.join(root, 'data', 'odd\ud800');
  const lone = { ...snapshot, paths: [...snapshot.paths, odd], words: new Int32Array([...snapshot.words, ...new Array<number>(10).fill(-1)]) };
  writeSnapshot(file, lone);
  assert.equal(fs.existsSync(file), false);
});

test('no snapshot when a stamp cannot vouch for its file', () => {
  const { tasks, observed, folders, later, file } = setUp();
  const request = { file, key: 'k', folders, listedAtNs: later };
  const early = BigInt(Date.now()) * 1_000_000n - HOUR_NS;
  assert.equal(takeSnapshot({ ...request, listedAtNs: early }, tasks, observed), undefined, 'a folder changed after the listing began');
  assert.equal(takeSnapshot(request, tasks, { ...observed, inputs: new Map() }), undefined, 'an input hashed anew');
  const [output] = observed.outputs.keys();
  const outB = path.join(path.dirname(output!), 'out-b');
  const both = [...tasks, task(tasks[0]!.cwd, 2, 'out-a', 'out-b')];
  const once = { inputs: new Map([...observed.inputs, [output!, observed.outputs.get(output!)!]]), outputs: new Map([...observed.outputs, [outB, null]]) };
  assert.ok(takeSnapshot(request, both, once), 'an output read downstream, seen alike');
  const twice = { inputs: new Map([...observed.inputs, [output!, { size: 1n, mtimeNs: 2n, inode: 3n, ctimeNs: 4n }]]), outputs: once.outputs };
  assert.equal(takeSnapshot(request, both, twice), undefined, 'one file seen with two stamps');
  // The same file named from another folder, or by its absolute path: still one file.
  const root = tasks[0]!.cwd;
  for (const [cwd, name] of [[path.join(root, 'data'), '../out-a'], ['/', output!], [path.join(root, 'data'), output!]] as const) {
    const elsewhere = [...tasks, task(cwd, 2, name, outB)];
    const seen = takeSnapshot(request, elsewhere, once);
    assert.ok(seen, `${name} from ${cwd}, seen alike`);
    assert.equal(seen.paths.filter((file) => file === output).length, 1, `${name} from ${cwd}: one entry`);
    assert.equal(takeSnapshot(request, elsewhere, twice), undefined, `${name} from ${cwd}, seen with two stamps`);
  }
});

test('no snapshot for a folder output: one stat of the folder cannot vouch for the files in it', () => {
  const { root, tasks, observed, folders, later, file } = setUp();
  fs.mkdirSync(path.join(root, 'chunks'));
  fs.writeFileSync(path.join(root, 'chunks/1'), '1');
  // Whatever the folder output's stamp: even the folder's own stat, as a confirming stat would see it.
  const stamp = statFile(path.join(root, 'chunks'))!;
  const folderTask = { ...task(root, 2, 'data/a', 'chunks/'), outputs: ['chunks/'] };
  const outputs = new Map([...observed.outputs, [path.resolve(root, 'chunks'), stamp], [`${path.resolve(root, 'chunks')}/`, stamp]]);
  assert.equal(takeSnapshot({ file, key: 'k', folders, listedAtNs: later }, [...tasks, folderTask], { ...observed, outputs }), undefined);
});

test('a task confirmed by its learned stamps joins the snapshot with those words, checked against its other sightings', () => {
  const { root, tasks, observed, folders, later, file } = setUp();
  const request = { file, key: 'k', folders, listedAtNs: later };
  // The words of task 1's input then output, as task-stamps.ts keeps them (a mark word first).
  const words = [0, ...wordsOfStat(statFile(path.join(root, 'data/a'))), ...wordsOfStat(statFile(path.join(root, 'out-a')))];
  const confirmed = new Map([[1, words]]);
  const snapshot = takeSnapshot(request, tasks, { inputs: new Map(), outputs: new Map(), confirmed });
  assert.ok(snapshot, 'no other sighting needed');
  writeSnapshot(file, snapshot);
  assert.deepEqual(confirmSnapshot(file, 'k'), { tasks: 1 });
  const downstream = task(root, 2, 'out-a', 'out-b');
  fs.writeFileSync(path.join(root, 'out-b'), 'B');
  const outputs = new Map<string, ObservedStamp>([[path.join(root, 'out-b'), statFile(path.join(root, 'out-b'))!]]);
  const seenAlike = new Map<string, ObservedStamp>([[path.join(root, 'out-a'), statFile(path.join(root, 'out-a'))!]]);
  assert.ok(takeSnapshot(request, [tasks[0]!, downstream], { inputs: seenAlike, outputs, confirmed }), 'read downstream, seen alike');
  const seenOther = new Map<string, ObservedStamp>([[path.join(root, 'out-a'), { size: 1n, mtimeNs: 2n, inode: 3n, ctimeNs: 4n }]]);
  assert.equal(takeSnapshot(request, [tasks[0]!, downstream], { inputs: seenOther, outputs, confirmed }), undefined, 'seen with two stamps');
  fs.writeFileSync(path.join(root, 'data/a'), 'b');
  assert.match(why(confirmSnapshot(file, 'k')), /data\/a changed/, 'an input rewritten with the same size');
});
