// A mistyped step name on the command line (`--force`, a target, `clean`) or parameter (`--param`)
// is refused with those there are and, when one is close, the one probably meant, as a mistyped
// key (or a parameter in a config file) is.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir, runSluice } from '../helpers/run-sluice.ts';

function project(): string {
  const dir = makeTempDir('sluice-suggest-');
  fs.mkdirSync(path.join(dir, 'data'));
  fs.writeFileSync(path.join(dir, 'data', 'a.txt'), 'a\n');
  fs.writeFileSync(
    path.join(dir, 'pipeline.ts'),
    `import { pipeline, step, sh } from 'sluice';
export default pipeline({ params: { depth: 1, ref: { path: 'r.fa' } }, steps: {
  align_reads: step({ in: 'data/{x}.txt', out: 'w/{x}.bam', run: sh('echo ran >> ran.log; cp {in} {out}') }),
  summary: step({ in: 'w/a.bam', out: 'summary.txt', run: sh('echo ran >> ran.log; cp {in} {out}') }),
} });
`,
  );
  return dir;
}

describe('a mistyped step name', () => {
  for (const args of [['run', '--force', 'align_raeds'], ['run', 'align_raeds'], ['clean', 'align_raeds']]) {
    it(`sluice ${args.join(' ')}`, async () => {
      const dir = project();
      const result = await runSluice(args, { cwd: dir });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /align_reads, summary.*; did you mean `align_reads`\?\n$/);
      assert.equal(fs.existsSync(path.join(dir, 'ran.log')), false, 'nothing ran');
    });
  }

  for (const [param, meant] of [['detph=2', 'depth'], ['ref.pth=x', 'path']] as const) {
    it(`sluice run --param ${param}`, async () => {
      const dir = project();
      const result = await runSluice(['run', '--param', param], { cwd: dir });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, new RegExp(`^sluice: Unknown parameter .*; did you mean \`${meant}\`\\?\n$`));
      assert.equal(fs.existsSync(path.join(dir, 'ran.log')), false, 'nothing ran');
    });
  }

  it('suggests nothing when no step is close', async () => {
    const dir = project();
    const result = await runSluice(['run', '--force', 'plot'], { cwd: dir });
    assert.equal(result.code, 2, result.stderr);
    assert.doesNotMatch(result.stderr, /did you mean/);
  });
});
