import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir, runSluice } from '../helpers/run-sluice.ts';

// A step's `memory` is read when the step is normalized, in the grammar Slurm's --mem is given:
// a size it cannot take is a plan error with any executor, before anything runs.

function project(memory: string): string {
  const dir = makeTempDir('sluice-memory-');
  fs.mkdirSync(path.join(dir, 'in'));
  fs.writeFileSync(path.join(dir, 'in', 'a.txt'), 'a\n');
  fs.writeFileSync(
    path.join(dir, 'pipeline.ts'),
    `import { cmd, pipeline, step } from 'sluice';
export default pipeline({ big: step({ in: 'in/{x}.txt', out: 'out/{x}.txt', memory: ${JSON.stringify(memory)}, run: cmd('cp', '{in}', '{out}') }) });
`,
  );
  return dir;
}

describe('the memory of a step', { concurrency: 2 }, () => {
  // `512B` and `4iB` were read as megabytes; 10^21 gigabytes went to sbatch as `--mem=1e+21G`.
  for (const memory of ['512B', '4iB', '1000000000000000000000G', '0.0M']) {
    it(`refuses \`${memory}\` before running anything`, async () => {
      const dir = project(memory);
      const result = await runSluice(['run'], { cwd: dir });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, new RegExp(`Expected \`memory\` of step \`big\` in .*pipeline\\.ts to be a size like 4G or 512M, got \`${memory.replace('.', '\\.')}\``));
      assert.equal(fs.existsSync(path.join(dir, 'out')), false, 'nothing ran');
    });
  }

  it('takes the sizes Slurm takes, whole or not, with or without a B', async () => {
    for (const memory of ['4G', '1.5G', '512MiB', '2048', '8 gb']) {
      const dir = project(memory);
      const result = await runSluice(['run', '-q'], { cwd: dir });
      assert.equal(result.code, 0, `${memory}: ${result.stderr}`);
      assert.equal(fs.readFileSync(path.join(dir, 'out', 'a.txt'), 'utf8'), 'a\n');
    }
  });
});
