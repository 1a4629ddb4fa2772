import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { expandInputGlob, listedFolderOf } from '../../src/plan/expand-input-glob.ts';
import { createListingLog } from '../../src/plan/list-pattern-files.ts';
import { makeTempDir } from '../helpers/run-sluice.ts';

describe('expandInputGlob', () => {
  it('names the one folder a glob lists, and none when a wildcard picks folders', () => {
    assert.equal(listedFolderOf('*.txt'), '.');
    assert.equal(listedFolderOf('data/*.txt'), 'data');
    assert.equal(listedFolderOf('../data/f[0-9].{txt,csv}'), '../data');
    assert.equal(listedFolderOf('/abs/x?.txt'), '/abs');
    assert.equal(listedFolderOf('/*.txt'), '/');
    assert.equal(listedFolderOf('data/*/x.txt'), undefined);
    assert.equal(listedFolderOf('data/**'), undefined);
    assert.equal(listedFolderOf('{a,b}/x.txt'), undefined);
    assert.equal(listedFolderOf('data/a\\*/x.txt'), undefined);
  });

  it('stamps the folder it lists, and vouches for no listing that holds a symlink', () => {
    const dir = makeTempDir();
    fs.mkdirSync(path.join(dir, 'data'));
    fs.writeFileSync(path.join(dir, 'data', 'a.txt'), 'a');
    const log = createListingLog();
    assert.deepEqual(expandInputGlob('data/*.txt', { cwd: dir, dot: false, log }), ['data/a.txt']);
    assert.deepEqual([...log.folders.keys()], [path.join(dir, 'data')]);
    assert.equal(log.exact, true);
    fs.symlinkSync(path.join(dir, 'data', 'a.txt'), path.join(dir, 'data', 'b.txt'));
    const linked = createListingLog();
    assert.deepEqual(expandInputGlob('data/*.txt', { cwd: dir, dot: false, log: linked }), ['data/a.txt', 'data/b.txt']);
    assert.equal(linked.exact, false);
    const deep = createListingLog();
    expandInputGlob('*/*.txt', { cwd: dir, dot: false, log: deep });
    assert.equal(deep.exact, false);
  });
});
