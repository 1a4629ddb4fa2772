import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { createStagingArea, TEMP_PREFIX } from '../../src/execute/atomic-outputs.ts';
import { makeTempDir } from '../helpers/run-sluice.ts';


function every(outputs: readonly string[]): Set<number> {
  return new Set(outputs.keys());
}

function stagingFolders(dir: string): string[] {
  return fs.readdirSync(dir).filter((name) => name.startsWith(TEMP_PREFIX)).sort();
}

test('staged outputs keep their basename, are renamed into place, and the folder serves the next attempt', async () => {
  const cwd = makeTempDir();
  const area = createStagingArea('run1');
  const first = await area.stage(['out/a.csv', 'out/work/a.tsv'], cwd, every(['out/a.csv', 'out/work/a.tsv']));
  assert.equal(path.basename(first.paths[0] as string), 'a.csv');
  assert.equal(path.dirname(path.dirname(first.paths[0] as string)), path.join(cwd, 'out'));
  assert.equal(path.dirname(path.dirname(first.paths[1] as string)), path.join(cwd, 'out/work'));
  for (const file of first.paths) fs.writeFileSync(file, 'x');
  await area.commit(first);
  assert.equal(fs.readFileSync(path.join(cwd, 'out/a.csv'), 'utf8'), 'x');
  assert.equal(fs.readFileSync(path.join(cwd, 'out/work/a.tsv'), 'utf8'), 'x');

  const second = await area.stage(['out/b.csv'], cwd, every(['out/b.csv']));
  assert.equal(path.dirname(second.paths[0] as string), path.dirname(first.paths[0] as string));
  fs.writeFileSync(second.paths[0] as string, 'y');
  await area.commit(second);
  assert.deepEqual(stagingFolders(path.join(cwd, 'out')).length, 1);

  await area.close();
  assert.deepEqual(stagingFolders(path.join(cwd, 'out')), []);
  assert.deepEqual(stagingFolders(path.join(cwd, 'out/work')), []);
  assert.deepEqual(fs.readdirSync(path.join(cwd, 'out')).sort(), ['a.csv', 'b.csv', 'work']);
});

test('attempts staged at the same time get folders of their own', async () => {
  const cwd = makeTempDir();
  const area = createStagingArea('run2');
  const a = await area.stage(['out/a.csv'], cwd, every(['out/a.csv']));
  const b = await area.stage(['out/b.csv'], cwd, every(['out/b.csv']));
  assert.notEqual(path.dirname(a.paths[0] as string), path.dirname(b.paths[0] as string));
  await area.close();
});

test('a folder with a file left beside the output is removed, not handed to the next attempt', async () => {
  const cwd = makeTempDir();
  const area = createStagingArea('run3');
  const first = await area.stage(['out/a.bam'], cwd, every(['out/a.bam']));
  fs.writeFileSync(first.paths[0] as string, 'bam');
  fs.writeFileSync(`${first.paths[0] as string}.bai`, 'index');
  await area.commit(first);
  assert.deepEqual(stagingFolders(path.join(cwd, 'out')), []);
  const second = await area.stage(['out/b.bam'], cwd, every(['out/b.bam']));
  assert.notEqual(path.dirname(second.paths[0] as string), path.dirname(first.paths[0] as string));
  assert.deepEqual(fs.readdirSync(path.dirname(second.paths[0] as string)), []);
  await area.close();
});

test('a discarded attempt leaves neither its staged outputs nor its in-place ones', async () => {
  const cwd = makeTempDir();
  const area = createStagingArea('run4');
  const staged = await area.stage(['out/a.txt', 'out/a.log'], cwd, new Set([0]));
  assert.equal(staged.paths[1], path.join(cwd, 'out/a.log'));
  for (const file of staged.paths) fs.writeFileSync(file, 'partial');
  await area.discard(staged);
  assert.deepEqual(fs.readdirSync(path.join(cwd, 'out')), []);
  const next = await area.stage(['out/b.txt'], cwd, every(['out/b.txt']));
  assert.notEqual(path.dirname(next.paths[0] as string), path.dirname(staged.paths[0] as string));
  await area.close();
  assert.deepEqual(fs.readdirSync(path.join(cwd, 'out')), []);
});
