// scripts/test.mjs (`npm test` after the type check): test files named on its command line run
// alone, in a temp folder of their own that is removed when they end.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir, REPO } from '../helpers/run-sluice.ts';

describe('scripts/test.mjs', () => {
  it('runs only the test files it is given, and removes their temp folder', () => {
    const tmp = makeTempDir('sluice-test-script-');
    // Without the variable that makes a test runner started by another report to it, not in TAP.
    const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: tmp };
    delete env['NODE_TEST_CONTEXT'];
    const result = spawnSync(process.execPath, ['scripts/test.mjs', 'test/kernel/invert-dependencies.test.ts', '--test-reporter=tap'], {
      cwd: REPO,
      env,
      encoding: 'utf8',
    });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^# tests 2$/m, 'the two tests of that file, and no other');
    assert.match(result.stdout, /^# pass 2$/m);
    assert.deepEqual(fs.readdirSync(tmp), [], `nothing left in ${path.basename(tmp)}`);
  });
});
