import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir, runSluice } from '../helpers/run-sluice.ts';
import { slurmSkipReason } from '../conformance/slurm-cluster.ts';

// {threads} in a Slurm job is what the job was granted (SLURM_CPUS_PER_TASK), in commands and
// in a function's context; -j counts jobs there, not cpus, so it does not lower it.
describe('{threads} on a real Slurm cluster', { skip: slurmSkipReason() }, () => {
  it('gives each task the cpus its job holds', async () => {
    const dir = makeTempDir('sluice-slurm-threads-');
    fs.mkdirSync(path.join(dir, 'in'));
    fs.writeFileSync(path.join(dir, 'in/a.txt'), 'a\n');
    fs.writeFileSync(
      path.join(dir, 'pipeline.ts'),
      `import fs from 'node:fs';
import { pipeline, step, cmd, sh } from 'sluice';
export default pipeline({ steps: {
  argv: step({ in: 'in/{x}.txt', out: 'out/{x}.argv', cpus: 2, run: cmd('echo', '{threads}'), stdout: true }),
  shell: step({ in: 'in/{x}.txt', out: 'out/{x}.sh', cpus: 2, run: sh('echo {threads} $SLURM_CPUS_PER_TASK > {out}') }),
  fn: step({ in: 'in/{x}.txt', out: 'out/{x}.fn', cpus: 2, run: ({ output, threads }) => fs.writeFileSync(output, threads + '\\n') }),
} });
`,
    );
    const result = await runSluice(['run', '--executor', 'slurm', '--partition', 'debug', '-j', '1'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'out/a.argv'), 'utf8'), '2\n');
    assert.equal(fs.readFileSync(path.join(dir, 'out/a.sh'), 'utf8'), '2 2\n');
    assert.equal(fs.readFileSync(path.join(dir, 'out/a.fn'), 'utf8'), '2\n');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
