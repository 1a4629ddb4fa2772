// resolveTaskPath must give exactly what path.resolve gives, through each of its short cuts.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { isPlainRelative, resolveTaskPath } from '../../src/kernel/resolve-task-path.ts';

test('resolveTaskPath agrees with path.resolve on every kind of path', () => {
  const files = [
    'a.txt', 'data/a.txt', '../data/a.txt', '../../x/y.txt', './a.txt', 'data/./a.txt', 'data//a.txt', 'data/../a.txt',
    'data/..', 'data/.', '..', '.', '', '/abs/a.txt', '/', '//x', 'data/', '../', 'a/b/../../../../../../c.txt', '../data/a.txt/',
    '..a/b', 'a/..b', '.hidden/x', '../.x', 'a\\b/c', ' a/ b', 'data/a.txt', '../data/a.txt',
    '/abs/./a.txt', '/abs/../a.txt', '/abs//a.txt', '/abs/a.txt/', '/abs/..', '/..', '/.', '/a/b/c.txt',
  ];
  for (const cwd of ['/work/project', '/', '/a', '/work/project/', '/work/./project', '/x/../y']) {
    for (const file of files) assert.equal(resolveTaskPath(cwd, file), path.resolve(cwd, file), `${JSON.stringify(cwd)} + ${JSON.stringify(file)}`);
  }
  // The folder cache follows the working folder.
  assert.equal(resolveTaskPath('/one', '../data/a.txt'), '/data/a.txt');
  assert.equal(resolveTaskPath('/one/two', '../data/a.txt'), '/one/data/a.txt');
});

test('isPlainRelative says which paths path.resolve joins as written', () => {
  // The regular expression it replaced, as the reference.
  const reference = /^(?!\.\.?(?:\/|$))(?!.*\/\.\.?(?:\/|$))(?!.*\/\/)[^/](?:.*[^/])?$/s;
  const pieces = ['', '.', '..', '...', 'a', '.a', 'a.', '..a', 'a..', 'ab', '/', '//', '\n', ' ', '\\'];
  const seen = new Set<string>();
  // Every path of up to four pieces, joined with and without slashes.
  const build = (prefix: string, depth: number): void => {
    seen.add(prefix);
    if (depth === 0) return;
    for (const piece of pieces) {
      build(prefix + piece, depth - 1);
      build(`${prefix}/${piece}`, depth - 1);
    }
  };
  build('', 4);
  assert.ok(seen.size > 10_000);
  for (const file of seen) {
    assert.equal(isPlainRelative(file), reference.test(file), JSON.stringify(file));
    if (isPlainRelative(file)) assert.equal(path.resolve('/base', file), `/base/${file}`, JSON.stringify(file));
    // An absolute path, returned as it is only when path.resolve would return it so.
    assert.equal(resolveTaskPath('/base', `/${file}`), path.resolve('/base', `/${file}`), JSON.stringify(`/${file}`));
  }
});
