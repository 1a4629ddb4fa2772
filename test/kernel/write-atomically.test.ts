import assert from 'node:assert/strict';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { temporaryNameFor, writeFileAtomically, writeFileAtomicallyAsync } from '../../src/kernel/write-atomically.ts';

const root = fs.mkdtempSync(path.join(tmpdir(), 'sluice-atomic-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

describe('writeFileAtomically', () => {
  it('replaces a file whole and leaves nothing else in its folder', async () => {
    const folder = fs.mkdtempSync(path.join(root, 'replace-'));
    const file = path.join(folder, 'report.html');
    fs.writeFileSync(file, 'old');
    writeFileAtomically(file, 'new');
    assert.equal(fs.readFileSync(file, 'utf8'), 'new');
    await writeFileAtomicallyAsync(file, Buffer.from('newer'));
    assert.equal(fs.readFileSync(file, 'utf8'), 'newer');
    assert.deepEqual(fs.readdirSync(folder), ['report.html']);
  });

  it('makes the folder when asked, and only then', async () => {
    const file = path.join(root, 'made', 'deeper', 'a.json');
    assert.throws(() => writeFileAtomically(file, '{}'), { code: 'ENOENT' });
    writeFileAtomically(file, '{}', { makeFolder: true });
    assert.equal(fs.readFileSync(file, 'utf8'), '{}');
    const other = path.join(root, 'made-async', 'b.json');
    await assert.rejects(writeFileAtomicallyAsync(other, '{}'), { code: 'ENOENT' });
    await writeFileAtomicallyAsync(other, '{}', { makeFolder: true });
    assert.equal(fs.readFileSync(other, 'utf8'), '{}');
  });

  it('keeps the old file and removes its temporary when the rename fails', async () => {
    const folder = fs.mkdtempSync(path.join(root, 'fail-'));
    // A folder where the file should be: the write of the temporary succeeds, the rename cannot.
    const file = path.join(folder, 'taken');
    fs.mkdirSync(file);
    fs.writeFileSync(path.join(file, 'inside'), 'kept');
    assert.throws(() => writeFileAtomically(file, 'x'), (error: NodeJS.ErrnoException) => ['EISDIR', 'ENOTEMPTY', 'EEXIST'].includes(String(error.code)));
    await assert.rejects(writeFileAtomicallyAsync(file, 'x'), (error: NodeJS.ErrnoException) => ['EISDIR', 'ENOTEMPTY', 'EEXIST'].includes(String(error.code)));
    assert.deepEqual(fs.readdirSync(folder), ['taken']);
    assert.equal(fs.readFileSync(path.join(file, 'inside'), 'utf8'), 'kept');
  });

  it('writes files whose names are as long as the file system allows', () => {
    const folder = fs.mkdtempSync(path.join(root, 'long-'));
    const file = path.join(folder, `${'é'.repeat(120)}.txt`); // 244 bytes: no room for a suffix
    writeFileAtomically(file, 'long');
    assert.equal(fs.readFileSync(file, 'utf8'), 'long');
    assert.deepEqual(fs.readdirSync(folder), [path.basename(file)]);
    const temporary = temporaryNameFor(file);
    assert.equal(path.dirname(temporary), folder, 'beside the file, on the same file system');
    assert.ok(Buffer.byteLength(path.basename(temporary)) <= 255, path.basename(temporary));
    assert.notEqual(temporaryNameFor(file), temporary, 'two writes of one file in one process do not share a temporary');
  });
});
