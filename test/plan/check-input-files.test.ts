import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { checkInputFiles } from '../../src/plan/check-input-files.ts';
import { makeTempDir } from '../helpers/run-sluice.ts';

// What checkInputFiles says of `input` among `others` (plain files in the same folder): many
// inputs in one folder are judged from one listing of it, a few from a stat each; both must agree.
function verdict(dir: string, input: string, others: number, hashed: boolean): string {
  const inputs = [...Array.from({ length: others }, (_, i) => `data/f${i}`), input];
  try {
    checkInputFiles(inputs, dir, 'of `sluice map` (from `:::`)', { hashed });
    return 'ok';
  } catch (error) {
    return (error as Error).message;
  }
}

describe('checkInputFiles', () => {
  it('judges each kind of path alike whether its folder is listed once (many inputs) or each input stat\'ed', () => {
    const dir = makeTempDir();
    const data = path.join(dir, 'data');
    fs.mkdirSync(data);
    for (let i = 0; i < 40; i += 1) fs.writeFileSync(path.join(data, `f${i}`), 'x');
    fs.writeFileSync(path.join(data, 'file.txt'), 'x');
    fs.mkdirSync(path.join(data, 'folder'));
    fs.symlinkSync('file.txt', path.join(data, 'link-to-file'));
    fs.symlinkSync('folder', path.join(data, 'link-to-folder'));
    fs.symlinkSync('nowhere', path.join(data, 'dangling'));
    execFileSync('mkfifo', [path.join(data, 'fifo')]);
    fs.symlinkSync('fifo', path.join(data, 'link-to-fifo'));
    fs.writeFileSync(path.join(data, 'Upper.txt'), 'x');
    const cases: Array<[string, boolean, string]> = [
      ['data/file.txt', true, 'ok'],
      ['data/missing.txt', true, 'ok'],
      ['data/folder', false, 'ok'],
      ['data/folder', true, 'got a folder'],
      ['data/folder/', true, 'got a folder'],
      ['data/file.txt/', true, 'ok'],
      ['data/link-to-file', true, 'ok'],
      ['data/link-to-folder', true, 'got a folder'],
      ['data/dangling', true, 'ok'],
      ['data/fifo', false, 'got a FIFO'],
      ['data/link-to-fifo', false, 'got a FIFO'],
      ['data/sub/../folder', true, 'got a folder'],
      ['data/upper.txt', true, 'ok'],
      ['data/Upper.txt', true, 'ok'],
      ['data', true, 'got a folder'],
    ];
    for (const [input, hashed, expected] of cases) {
      const listed = verdict(dir, input, 40, hashed);
      const stated = verdict(dir, input, 0, hashed);
      assert.equal(listed, stated, `${input}: listed and stat'ed differ`);
      assert.ok(expected === 'ok' ? listed === 'ok' : listed.includes(expected), `${input}: ${listed}`);
    }
  });

  it('names the input at fault with the same message when its folder holds many inputs', () => {
    const dir = makeTempDir();
    const data = path.join(dir, 'data');
    fs.mkdirSync(data);
    for (let i = 0; i < 40; i += 1) fs.writeFileSync(path.join(data, `f${i}`), 'x');
    fs.mkdirSync(path.join(data, 'sub'));
    assert.equal(
      verdict(dir, 'data/sub', 40, true),
      "Expected input `data/sub` of `sluice map` (from `:::`) to be a file, got a folder: sluice hashes its inputs to know when to run again; name the files in it instead (e.g. `--in 'data/sub/*'`)",
    );
  });

  it('judges plain names in the working folder alike, listed or stat\'ed', () => {
    const dir = makeTempDir();
    for (let i = 0; i < 40; i += 1) fs.writeFileSync(path.join(dir, `g${i}`), 'x');
    fs.mkdirSync(path.join(dir, 'folder'));
    fs.symlinkSync('folder', path.join(dir, 'link'));
    execFileSync('mkfifo', [path.join(dir, 'fifo')]);
    const judge = (input: string, others: number): string => {
      try {
        checkInputFiles([...Array.from({ length: others }, (_, i) => `g${i}`), input], dir, 'of `sluice map` (from `:::`)', { hashed: true });
        return 'ok';
      } catch (error) {
        return (error as Error).message;
      }
    };
    for (const input of ['g1', 'missing', 'folder', 'link', 'fifo', '.', '..', 'FOLDER']) {
      assert.equal(judge(input, 40), judge(input, 0), `${input}: listed and stat'ed differ`);
    }
    assert.match(judge('folder', 40), /got a folder/);
    assert.match(judge('fifo', 40), /got a FIFO/);
    assert.match(judge('.', 40), /got a folder/);
  });
});
