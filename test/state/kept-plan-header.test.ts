import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { readHeaderLine } from '../../src/state/freshness/kept-plan-header.ts';
import { makeTempDir } from '../helpers/run-sluice.ts';

describe('readHeaderLine', () => {
  const dir = makeTempDir('sluice-kept-header-');
  const file = (name: string, text: string): string => {
    fs.writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };

  it('reads the first line of a kept plan', () => {
    assert.equal(readHeaderLine(file('short', '{"version":2}\n{"count":0}\n')), '{"version":2}');
  });

  // A header listing many folders: before, only the first 64 KB were looked at, so such a plan
  // was never found unchanged and was written again at the end of every run.
  it('reads a first line longer than one read (200 KB)', () => {
    const header = JSON.stringify({ folders: Array.from({ length: 4000 }, (_, i) => [`/data/folder-${i}`, `4096:1700000000000000000:${i}:1700000000000000000`]) });
    assert.ok(header.length > 200_000);
    assert.equal(readHeaderLine(file('long', `${header}\n{"count":0}\n${'x'.repeat(100_000)}`)), header);
  });

  it('says nothing of a file without a whole first line, a missing file or a folder', () => {
    assert.equal(readHeaderLine(file('cut', '{"version":2, "folders": [')), undefined);
    assert.equal(readHeaderLine(file('cut-long', 'x'.repeat(150_000))), undefined);
    assert.equal(readHeaderLine(path.join(dir, 'missing')), undefined);
    assert.equal(readHeaderLine(dir), undefined);
  });
});
