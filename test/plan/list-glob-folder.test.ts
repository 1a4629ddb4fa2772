import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { listGlobMatches, matchGlob } from '../../src/plan/expand-glob.ts';
import { globSync } from '../../src/plan/glob-sync.ts';
import { listGlobFolder } from '../../src/plan/list-glob-folder.ts';
import { makeTempDir } from '../helpers/run-sluice.ts';

// The one-folder listing must give exactly tinyglobby's set, in the same (sorted) order, on
// hostile names: spaces, unicode (NFC and NFD), dots, hidden files, glob characters in names,
// symlinks (to files, folders, nothing, a FIFO), FIFOs, nested folders.
describe('listGlobFolder', () => {
  let root = '';
  before(() => {
    root = makeTempDir();
    const names = [
      'a.txt', 'b.TXT', 'c.csv', 'with space.txt', ' lead.txt', 'trail .txt', 'é-nfc.txt', 'e\u0301-nfd.txt', '日本.txt',
      '.hidden.txt', '..dots.txt', 'x.txt.bak', 'star*.txt', 'q?.txt', '[ab].txt', '{a,b}.txt', '(p).txt', '!bang.txt',
      'new\nline.txt', 'back\\slash.txt', 'f1', 'f2', 'f10', 'data.tar.gz',
    ];
    for (const folder of ['', 'data', 'my dir (1)', 'data/sub']) {
      fs.mkdirSync(path.join(root, 'cwd', folder), { recursive: true });
      for (const name of names) fs.writeFileSync(path.join(root, 'cwd', folder, name), name);
    }
    const data = path.join(root, 'cwd', 'data');
    fs.mkdirSync(path.join(data, 'folder.txt'));
    fs.symlinkSync(path.join(data, 'a.txt'), path.join(data, 'link-file.txt'));
    fs.symlinkSync('sub', path.join(data, 'link-folder.txt'));
    fs.symlinkSync('nowhere', path.join(data, 'link-broken.txt'));
    fs.symlinkSync('link-loop.txt', path.join(data, 'link-loop.txt'));
    execFileSync('mkfifo', [path.join(data, 'fifo.txt')]);
    fs.symlinkSync('fifo.txt', path.join(data, 'link-fifo.txt'));
    fs.mkdirSync(path.join(root, 'cwd', 'here'));
  });

  const globs = [
    '*', '*.txt', '*.TXT', '?.txt', '[a-c].*', '*.{txt,csv}', '@(a|c).*', '!(a).txt', '+(f)[0-9]', 'f?', 'f*', '*.tar.*',
    'data/*', 'data/*.txt', 'data/.*', 'data/*.bak', 'data/[!a]*', 'data/\\**', 'data/*\\?*', 'data/é*', 'data/e\u0301*',
    'data/日*', 'data/* *', 'data/link-*', 'data/sub/*.txt', 'my dir (1)/*.txt', 'data/*/', 'data/nope/*.txt', 'nope/*',
    './data/*.txt', 'data//*.txt', 'data/./*.txt', 'data/../data/*.txt', '../cwd/data/*.txt', '../here/*', 'data/a.txt',
  ];
  for (const dot of [false, true]) {
    for (const glob of globs) {
      it(`${glob} (dot: ${dot}) as tinyglobby`, () => {
        const cwd = path.join(root, 'cwd');
        const expected = globSync(glob, { cwd, dot, absolute: false, onlyFiles: true, expandDirectories: false, followSymbolicLinks: true }).sort();
        assert.deepEqual(listGlobMatches(glob, cwd, dot).files.sort(), expected);
      });
    }
  }

  it('from a folder below: ../ globs as tinyglobby writes them', () => {
    const cwd = path.join(root, 'cwd', 'here');
    for (const glob of ['../data/*.txt', '../*.txt', '../../cwd/data/*', '../here/*']) {
      const expected = globSync(glob, { cwd, dot: false, absolute: false, onlyFiles: true, expandDirectories: false, followSymbolicLinks: true }).sort();
      assert.deepEqual(listGlobMatches(glob, cwd, false).files.sort(), expected, glob);
    }
  });

  it('answers only what it can answer exactly', () => {
    const cwd = path.join(root, 'cwd');
    assert.notEqual(listGlobFolder('data/*.txt', cwd, false), undefined);
    assert.notEqual(listGlobFolder('*.txt', cwd, false), undefined);
    for (const glob of ['**/*.txt', 'd*/a.txt', path.join(cwd, 'data/*.txt'), '!*.txt', './data/*.txt', 'data/a.txt', 'my dir (1)/*.txt']) {
      assert.equal(listGlobFolder(glob, cwd, false), undefined, glob);
    }
  });

  it('says whether every match is a regular file and whether the folder holds a symlink', () => {
    const cwd = path.join(root, 'cwd');
    const plain = matchGlob('data/[a-c].*', { cwd });
    assert.deepEqual(plain.files, ['data/a.txt', 'data/b.TXT', 'data/c.csv']);
    assert.equal(plain.allPlainFiles, true);
    assert.equal(plain.heldSymlink, true);
    const linked = matchGlob('data/link-[ff]*', { cwd });
    assert.deepEqual(linked.files, ['data/link-fifo.txt', 'data/link-file.txt']);
    assert.equal(linked.allPlainFiles, false);
    assert.equal(matchGlob('sub/*.txt', { cwd: path.join(cwd, 'data') }).heldSymlink, false);
  });

  it('finds the symlinks that lead nowhere among the matches, listed or walked, which matchGlob refuses by name', () => {
    const cwd = path.join(root, 'cwd');
    const cases: Array<[string, string[]]> = [
      ['data/*', ['data/link-broken.txt', 'data/link-loop.txt']],
      ['data/link-b*', ['data/link-broken.txt']],
      ['data/link-broken.txt', ['data/link-broken.txt']],
      ['d*/link-*', ['data/link-broken.txt', 'data/link-loop.txt']],
      ['**/link-l*.txt', ['data/link-loop.txt']],
      ['data/*.csv', []],
      ['*/a.txt', []],
    ];
    for (const [glob, broken] of cases) {
      assert.deepEqual([...listGlobMatches(glob, cwd, false).broken].sort(), broken, glob);
      if (broken.length === 0) continue;
      assert.throws(() => matchGlob(glob, { cwd, label: '`--in`' }), (error: Error) => {
        assert.match(error.message, new RegExp(`^Expected input \`${broken[0]}\` \\(matched by glob \`.*\` from \`--in\``));
        assert.match(error.message, broken[0]!.includes('loop') ? /leads back to itself \(to `link-loop.txt`\)/ : /broken symbolic link to `nowhere`/);
        return true;
      }, glob);
    }
  });
});
