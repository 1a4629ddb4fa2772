// `.sluice/` replaced by a file while a run runs: the run stops with the one paragraph that names
// the file in the way, exit 3. Before, a raw "sluice: ENOTDIR: not a directory, lstat
// '.../.sluice/launchers/<pid>'" was printed above it (the launcher's ledger could not be removed
// as the run closed). Once the file is moved away, the next run finishes the work.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir, runSluice, startSluice, waitFor } from '../helpers/run-sluice.ts';

describe('`.sluice/` replaced by a file while a run runs', () => {
  it('stops the run with one paragraph naming the file, and nothing else', async () => {
    const dir = makeTempDir('sluice-state-file-');
    fs.mkdirSync(path.join(dir, 'data'));
    for (let i = 1; i <= 6; i += 1) fs.writeFileSync(path.join(dir, 'data', `${i}.txt`), `line ${i}\n`);
    fs.writeFileSync(
      path.join(dir, 'pipeline.ts'),
      `import { pipeline, step, sh } from 'sluice';
export default pipeline({ steps: () => ({ copy: step({ in: 'data/{n}.txt', out: 'out/{n}.txt', run: sh('sleep 0.4; echo {n} >> ran.log; cat {in} > {out}') }) }) });
`,
    );
    const run = startSluice(['run', '-j', '1'], { cwd: dir });
    await waitFor(() => fs.existsSync(path.join(dir, 'ran.log')), 60_000);
    fs.rmSync(path.join(dir, '.sluice'), { recursive: true, force: true, maxRetries: 10 });
    fs.writeFileSync(path.join(dir, '.sluice'), 'in the way\n');
    const result = await run.done;
    assert.equal(result.code, 3, result.stderr);
    assert.equal(result.stderr.match(/^sluice: /gm)?.length, 1, result.stderr);
    assert.match(result.stderr, /^sluice: sluice needs \S+\/\.sluice to be a folder, but it is a file/);
    assert.doesNotMatch(result.stderr, /\n\s+at |bug in sluice/);

    fs.rmSync(path.join(dir, '.sluice'));
    const again = await runSluice(['run'], { cwd: dir });
    assert.equal(again.code, 0, again.stderr);
    for (let i = 1; i <= 6; i += 1) assert.equal(fs.readFileSync(path.join(dir, 'out', `${i}.txt`), 'utf8'), `line ${i}\n`);
  });
});
