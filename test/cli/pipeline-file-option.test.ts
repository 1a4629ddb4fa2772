// `-f` naming something that is not a pipeline file: a folder (a user who meant `-C`), or an
// empty name. Refused before anything runs, with what was given and what to do, not the
// bundler's "Could not resolve".
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir, runSluice } from '../helpers/run-sluice.ts';

function project(): string {
  const dir = makeTempDir('sluice-f-option-');
  fs.mkdirSync(path.join(dir, 'sub'));
  fs.writeFileSync(path.join(dir, 'sub', 'pipeline.ts'), "import { pipeline, step, sh } from 'sluice';\nexport default pipeline({ s: step({ out: 'o.txt', run: sh('echo ran >> ran.log; echo > {out}') }) });\n");
  fs.mkdirSync(path.join(dir, 'empty'));
  return dir;
}

describe('sluice -f FILE that is not a file', () => {
  for (const command of [['run'], ['status'], ['clean', '--all']]) {
    it(`${command[0]}: a folder holding a pipeline is named, with -C to run it`, async () => {
      const dir = project();
      const result = await runSluice([...command, '-f', 'sub'], { cwd: dir });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /^sluice: Expected `-f` to be a pipeline file, got the folder `sub`: to use sub\/pipeline\.ts in it, give `-C sub`\n$/);
      assert.equal(fs.existsSync(path.join(dir, 'sub', 'ran.log')), false);
    });
  }

  it('a folder without one, and an empty name', async () => {
    const dir = project();
    const folder = await runSluice(['run', '-f', 'empty'], { cwd: dir });
    assert.equal(folder.code, 2, folder.stderr);
    assert.match(folder.stderr, /^sluice: Expected `-f` to be a pipeline file, got the folder `empty`\n$/);
    const none = await runSluice(['run', '-f', ''], { cwd: dir });
    assert.equal(none.code, 2, none.stderr);
    assert.match(none.stderr, /^sluice: Expected `-f` to be a pipeline file, got an empty name\n$/);
  });
});
