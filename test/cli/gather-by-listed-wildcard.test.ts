import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir, runSluice } from '../helpers/run-sluice.ts';

// A step whose only input is a gather, `all('parts/{sample}/{chunk}.txt')`, with `wildcards:
// { sample: [...] }` and `{sample}` in its output: one task per listed sample, each gathering
// that sample's chunks (before, "Wildcard `{sample}` in output ... is not bound by an input").

const PIPELINE = `
import { pipeline, step, sh, all } from 'sluice';
export default pipeline({
  params: { samples: ['A', 'B'] },
  steps: (p) => ({
    merge: step({
      in: { parts: all('parts/{sample}/{chunk}.txt') },
      wildcards: { sample: p.samples },
      out: 'merged/{sample}.txt',
      log: 'logs/{sample}.log',
      run: sh('cat {in.parts} > {out} && echo {sample} > {log}'),
    }),
    every: step({
      in: { parts: all('parts/{sample}/{chunk}.txt') },
      wildcards: { sample: p.samples },
      out: 'every.txt',
      run: sh('cat {in.parts} > {out}'),
    }),
  }),
});
`;

function makeProject(): string {
  const dir = makeTempDir('sluice-gather-listed-');
  for (const sample of ['A', 'B', 'C']) {
    fs.mkdirSync(path.join(dir, 'parts', sample), { recursive: true });
    for (const chunk of ['1', '2']) fs.writeFileSync(path.join(dir, 'parts', sample, `${chunk}.txt`), `${sample}${chunk}\n`);
  }
  fs.writeFileSync(path.join(dir, 'pipeline.ts'), PIPELINE);
  return dir;
}

describe('a gather whose wildcard is bound by a `wildcards` list', { concurrency: 2 }, () => {
  it('runs one task per listed value, each over its own files; a wildcard not in the output still gathers them all', async () => {
    const dir = makeProject();
    const result = await runSluice(['run', '-q'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'merged')).sort(), ['A.txt', 'B.txt']);
    assert.equal(fs.readFileSync(path.join(dir, 'merged/A.txt'), 'utf8'), 'A1\nA2\n');
    assert.equal(fs.readFileSync(path.join(dir, 'merged/B.txt'), 'utf8'), 'B1\nB2\n');
    assert.equal(fs.readFileSync(path.join(dir, 'logs/B.log'), 'utf8'), 'B\n');
    assert.equal(fs.readFileSync(path.join(dir, 'every.txt'), 'utf8'), 'A1\nA2\nB1\nB2\n');
    const again = await runSluice(['run'], { cwd: dir });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /3 tasks: 3 up to date/);
  });

  it('a listed value with no files is a plan error naming the task', async () => {
    const dir = makeProject();
    fs.writeFileSync(path.join(dir, 'config.json'), '{ "samples": ["A", "D"] }');
    const result = await runSluice(['run', '--config', 'config.json'], { cwd: dir });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /No file matches gathered input `parts\/\{sample\}\/\{chunk\}\.txt` of task `merge\[sample=D\]` of .*pipeline\.ts/);
    assert.equal(fs.existsSync(path.join(dir, 'merged')), false);
  });
});
