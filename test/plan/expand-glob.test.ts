import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { expandGlob } from '../../src/plan/expand-glob.ts';

describe('expandGlob', () => {
  let cwd = '';
  before(() => {
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-glob-'));
    for (const file of ['a.tsv', 'b.tsv', 'c.csv', '.hidden.tsv', 'sub/d.tsv', 'sub/deep/e.tsv', 'x1', 'x2', 'y1']) {
      fs.mkdirSync(path.dirname(path.join(cwd, file)), { recursive: true });
      fs.writeFileSync(path.join(cwd, file), file);
    }
  });

  const cases: Array<[string, string[]]> = [
    ['*.tsv', ['a.tsv', 'b.tsv']],
    ['?.tsv', ['a.tsv', 'b.tsv']],
    ['[ab].tsv', ['a.tsv', 'b.tsv']],
    ['[a-b].*', ['a.tsv', 'b.tsv']],
    ['**/*.tsv', ['a.tsv', 'b.tsv', 'sub/d.tsv', 'sub/deep/e.tsv']],
    ['*.{tsv,csv}', ['a.tsv', 'b.tsv', 'c.csv']],
    ['x*', ['x1', 'x2']],
  ];
  for (const [pattern, expected] of cases) {
    it(`matches ${pattern}`, () => assert.deepEqual(expandGlob(pattern, { cwd }), expected));
  }

  it('matches dotfiles only when asked', () => {
    assert.deepEqual(expandGlob('*.tsv', { cwd, dot: true }), ['.hidden.tsv', 'a.tsv', 'b.tsv']);
  });

  it('keeps absolute globs absolute', () => {
    assert.deepEqual(expandGlob(path.join(cwd, 'x*'), { cwd: '/' }), [path.join(cwd, 'x1'), path.join(cwd, 'x2')]);
  });

  it('names the glob when nothing matches', () => {
    assert.throws(() => expandGlob('*.json', { cwd, label: '`--in`' }), /No file matches glob `\*\.json` from `--in` \(relative to [^)]*\)$/);
  });

  // Before: only "No file matches glob `sub`", though `sub` is right there.
  it('says when only folders match, and how to name the files in one', () => {
    assert.throws(() => expandGlob('sub', { cwd, label: '`--in`' }), /No file matches glob `sub` from `--in` \(relative to .*\): only folders match \(`sub`\), and inputs are files; `sub\/\*` names the files in it/);
    assert.throws(() => expandGlob('s*', { cwd }), /only folders match \(`sub`\)/);
  });

  // Before: "No file matches glob `dlink`" alone, though `dlink` leads to a folder.
  it('says so for a symlink to a folder too, without entering a link that loops', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-glob-links-'));
    fs.mkdirSync(path.join(dir, 'data/deep'), { recursive: true });
    fs.symlinkSync('data', path.join(dir, 'dlink'));
    fs.symlinkSync('..', path.join(dir, 'data/deep/up'));
    fs.symlinkSync(dir, path.join(dir, 'loop'));
    assert.throws(() => expandGlob('dlink', { cwd: dir, label: '`--in`' }), /No file matches glob `dlink` from `--in` \(relative to .*\): only folders match \(`dlink`\), and inputs are files; `dlink\/\*` names the files in it/);
    assert.throws(() => expandGlob('dlink/', { cwd: dir }), /only folders match \(`dlink`\)/);
    assert.throws(() => expandGlob('dl*', { cwd: dir }), /only folders match \(`dlink`\)/);
    assert.throws(() => expandGlob(path.join(dir, 'dlink'), { cwd: '/' }), new RegExp(`only folders match \\(\`${dir}/dlink\`\\)`));
    assert.throws(() => expandGlob('data/*/up', { cwd: dir }), /only folders match \(`data\/deep\/up`\)/);
    assert.throws(() => expandGlob('**/up', { cwd: dir }), /only folders match \(`data\/deep\/up`/);
  });
});
