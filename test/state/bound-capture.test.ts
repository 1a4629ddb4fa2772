import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { boundCapture } from '../../src/state/logs/bound-capture.ts';
import { makeTempDir } from './helpers.ts';

test('a captured stream: none left when empty or missing, untouched up to the cap, head and tail past it', async () => {
  const dir = makeTempDir();
  const file = path.join(dir, '1.1.err');
  assert.equal(await boundCapture(file, 100), false, 'missing');
  fs.writeFileSync(file, '');
  assert.equal(await boundCapture(file, 100), false);
  assert.equal(fs.existsSync(file), false, 'an empty stream leaves no file');

  fs.writeFileSync(file, 'x'.repeat(100));
  assert.equal(await boundCapture(file, 100), true);
  assert.equal(fs.readFileSync(file, 'utf8'), 'x'.repeat(100), 'at the cap: kept whole');

  // One long line without a line break: cut by bytes, the note on a line of its own.
  fs.writeFileSync(file, `${'h'.repeat(50_000)}${'t'.repeat(50_000)}`);
  assert.equal(await boundCapture(file, 1000), true);
  const text = fs.readFileSync(file, 'utf8');
  assert.equal(text, `${'h'.repeat(500)}\n[sluice: 99000 bytes cut here; the stream wrote 100000 bytes, more than the 1000 kept per stream (SLUICE_LOG_CAP)]\n${'t'.repeat(500)}`);
  assert.deepEqual(fs.readdirSync(dir), ['1.1.err'], 'no temporary file left');
});
