import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir, runSluice } from '../helpers/run-sluice.ts';

describe('the HTML report file', () => {
  it('is written whole under a name as long as the file system allows, with nothing left beside it', async () => {
    const dir = makeTempDir('sluice-report-long-');
    // 250 bytes: a private name beside it made of the name and a suffix would be too long.
    const name = `${'r'.repeat(245)}.html`;
    const result = await runSluice(['map', '-q', '--report', name, '--', 'true', ':::', 'x'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.match(fs.readFileSync(path.join(dir, name), 'utf8'), /<html/i);
    const again = await runSluice(['report', '-o', name], { cwd: dir });
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(fs.readdirSync(dir).filter((entry) => entry !== '.sluice'), [name]);
  });
});
