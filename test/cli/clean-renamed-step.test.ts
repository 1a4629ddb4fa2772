import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir, runSluice } from '../helpers/run-sluice.ts';

// `sluice clean STEP` for a step renamed or removed since it ran: its recorded successes name its
// outputs, so they go and the records with them (before: "Unknown step `copy`", and the outputs
// and records of the old name stayed with no command to remove them). A name nothing recorded
// is still refused.

const pipelineWith = (name: string, folder: string): string => `
import { pipeline, step, cmd } from 'sluice';
export default pipeline({
  ${name}: step({ in: 'data/{s}.txt', out: '${folder}/{s}.txt', run: cmd('cp', '{in}', '{out}') }),
});
`;

describe('sluice clean of a step no longer in the pipeline', () => {
  it('removes what its recorded successes wrote; an unknown name with no record is refused', async () => {
    const dir = makeTempDir('sluice-clean-renamed-');
    fs.mkdirSync(path.join(dir, 'data'));
    fs.writeFileSync(path.join(dir, 'data/a.txt'), 'a\n');
    fs.writeFileSync(path.join(dir, 'data/b.txt'), 'b\n');
    fs.writeFileSync(path.join(dir, 'pipeline.ts'), pipelineWith('copy', 'old'));
    const first = await runSluice(['run', '-q'], { cwd: dir });
    assert.equal(first.code, 0, first.stderr);
    fs.writeFileSync(path.join(dir, 'pipeline.ts'), pipelineWith('duplicate', 'new'));
    const clean = await runSluice(['clean', 'copy'], { cwd: dir });
    assert.equal(clean.code, 0, clean.stderr);
    assert.match(clean.stderr, /removed 2 outputs and 2 recorded successes of copy/);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'old')), []);
    const unknown = await runSluice(['clean', 'nosuch'], { cwd: dir });
    assert.equal(unknown.code, 2, unknown.stderr);
    assert.match(unknown.stderr, /Unknown step `nosuch`: .*pipeline\.ts has duplicate/);
  });
});
