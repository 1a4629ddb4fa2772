import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir, runSluice } from '../helpers/run-sluice.ts';

// `sluice status` and `sluice clean` take `--config FILE` as `sluice run` does, so they speak of
// the tasks the run ran (the samples a config names). Before, both refused it: "error: unknown
// option '--config'", and without it they planned the pipeline's default samples only.

const PIPELINE = `
import { pipeline, step, cmd } from 'sluice';
export default pipeline({
  params: { samples: ['A'] },
  steps: (p) => ({
    copy: step({ in: 'data/{s}.txt', out: 'out/{s}.txt', wildcards: { s: p.samples }, run: cmd('cp', '{in}', '{out}') }),
  }),
});
`;

describe('status and clean with --config', () => {
  it('see and clean the tasks of the samples the config names', async () => {
    const dir = makeTempDir('sluice-status-config-');
    fs.mkdirSync(path.join(dir, 'data'));
    for (const s of ['A', 'B', 'C']) fs.writeFileSync(path.join(dir, `data/${s}.txt`), `${s}\n`);
    fs.writeFileSync(path.join(dir, 'pipeline.ts'), PIPELINE);
    fs.writeFileSync(path.join(dir, 'config.yaml'), 'samples: [A, B, C]\n');
    const run = await runSluice(['run', '-q', '--config', 'config.yaml'], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    const status = await runSluice(['status', '--config', 'config.yaml'], { cwd: dir });
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout + status.stderr, /copy\s+up to date\s+3\s+3\s+0/);
    const clean = await runSluice(['clean', '--config', 'config.yaml', 'copy'], { cwd: dir });
    assert.equal(clean.code, 0, clean.stderr);
    assert.match(clean.stderr, /removed 3 outputs and 3 recorded successes of copy/);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'out')), []);
  });
});
