// A program named by a cmd() step that cannot be found is a plan error before anything runs, as
// for `sluice map`: once, naming the step, not once per task at run time. A program that an
// earlier step makes, or a relative path into the project, is not an error.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir, runSluice, takeRanLog } from '../helpers/run-sluice.ts';

function project(steps: string): string {
  const dir = makeTempDir('sluice-programs-');
  fs.mkdirSync(path.join(dir, 'data'));
  for (const n of ['a', 'b', 'c', 'd']) fs.writeFileSync(path.join(dir, 'data', `${n}.txt`), `${n}\n`);
  fs.mkdirSync(path.join(dir, 'scripts'));
  fs.writeFileSync(path.join(dir, 'scripts', 'copy.sh'), '#!/bin/sh\necho "script $1" >> ran.log\ncp "$1" "$2"\n', { mode: 0o755 });
  fs.writeFileSync(
    path.join(dir, 'pipeline.ts'),
    `import { pipeline, step, sh, cmd } from 'sluice';
export default pipeline({
  steps: () => ({
    first: step({ in: 'data/{n}.txt', out: 'first/{n}.txt', run: sh('echo "first {n}" >> ran.log; cp {in} {out}') }),
${steps}
  }),
});
`,
  );
  return dir;
}

describe('sluice run: programs of cmd() steps', () => {
  it('refuses a program not on PATH before anything runs, once, naming the step (exit 2)', async () => {
    const dir = project(`    align: step({ in: 'first/{n}.txt', out: 'aligned/{n}.txt', run: cmd('no-such-aligner-xyz', '{in}', '{out}') }),`);
    const result = await runSluice(['run'], { cwd: dir });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /^sluice: Program `no-such-aligner-xyz` not found on PATH \(searched .*\): step `align` of .*pipeline\.ts runs it with cmd\(\.\.\.\)\n$/);
    assert.equal(result.stderr.split('not found').length - 1, 1, 'one message, not one per task');
    assert.deepEqual(takeRanLog(dir), [], 'nothing ran');
    assert.equal(fs.existsSync(path.join(dir, 'first')), false);

    // A dry run prints its plan (it may be read on a machine without the tools), then says the
    // run would be refused, and exits 2 as the run would (as `sluice map -n` does): a script that
    // checks a pipeline with `sluice run -n` learns of it.
    const dry = await runSluice(['run', '--dry-run'], { cwd: dir });
    assert.equal(dry.code, 2, dry.stderr);
    assert.match(dry.stderr, /^sluice: Program `no-such-aligner-xyz` not found on PATH .*: step `align` of .*\nsluice: the run would be refused \(exit 2\): nothing would run\n$/);
    assert.match(dry.stdout, /no-such-aligner-xyz first\/a\.txt aligned\/a\.txt/);
    assert.deepEqual(takeRanLog(dir), [], 'nothing ran');

    // With `--executor slurm` it stays a warning: the nodes may have the program.
    const slurm = await runSluice(['run', '--dry-run', '--executor', 'slurm'], { cwd: dir });
    assert.equal(slurm.code, 0, slurm.stderr);
    assert.match(slurm.stderr, /^sluice: warning: Program `no-such-aligner-xyz` not found on PATH/);
  });

  it('refuses a relative path that is not there, and one that is not executable', async () => {
    const missing = project(`    copy: step({ in: 'first/{n}.txt', out: 'copy/{n}.txt', run: cmd('./scripts/nope.sh', '{in}', '{out}') }),`);
    const result = await runSluice(['run'], { cwd: missing });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /Program `\.\/scripts\/nope\.sh` not found or not executable .*step `copy`/);
    const plain = project(`    copy: step({ in: 'first/{n}.txt', out: 'copy/{n}.txt', run: cmd('scripts/data.txt', '{in}', '{out}') }),`);
    fs.writeFileSync(path.join(plain, 'scripts', 'data.txt'), 'not a program\n');
    const refused = await runSluice(['run'], { cwd: plain });
    assert.equal(refused.code, 2, refused.stderr);
    assert.deepEqual(takeRanLog(plain), []);
  });

  it('runs a program that an earlier step makes, and a script of the project', async () => {
    const dir = project(`    tool: step({ out: 'build/tool', run: sh('sed s/script/tool/ scripts/copy.sh > {out}; chmod +x {out}') }),
    made: step({ in: { src: 'first/{n}.txt', tool: 'build/tool' }, out: 'made/{n}.txt', run: cmd('./build/tool', '{in.src}', '{out}') }),
    script: step({ in: 'first/{n}.txt', out: 'script/{n}.txt', run: cmd('scripts/copy.sh', '{in}', '{out}') }),
    onpath: step({ in: 'first/{n}.txt', out: 'onpath/{n}.txt', run: cmd('cp', '{in}', '{out}') }),`);
    const result = await runSluice(['run'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    const ran = takeRanLog(dir);
    assert.equal(ran.filter((line) => line.startsWith('tool first/')).length, 4, ran.join('\n'));
    assert.equal(ran.filter((line) => line.startsWith('script first/')).length, 4, ran.join('\n'));
    assert.equal(fs.readFileSync(path.join(dir, 'onpath', 'd.txt'), 'utf8'), 'd\n');
  });
});
