import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { all, directory, pipeline, sh, step } from '../../src/plan/define-pipeline.ts';
import { planPipeline } from '../../src/plan/plan-pipeline.ts';
import { makeTempDir } from '../helpers/run-sluice.ts';

function folderWith(files: string[]): string {
  const dir = makeTempDir('sluice-plan-dirout-');
  for (const file of files) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), file);
  }
  return dir;
}

const chunks = pipeline({
  split: step({ in: 'data/{sample}.txt', out: directory('chunks/{sample}'), run: sh('split {in} {out}/') }),
  process: step({ in: 'chunks/{sample}/{chunk}.txt', out: 'processed/{sample}/{chunk}.out', run: sh('cp {in} {out}') }),
  gather: step({ in: { parts: all('processed/{sample}/{chunk}.out') }, out: 'total.txt', run: sh('cat {in.parts} > {out}') }),
});

describe('planning folder outputs', () => {
  it('leaves the steps below a folder not made yet waiting, without a plan error', () => {
    const dir = folderWith(['data/A.txt', 'data/B.txt']);
    const plan = planPipeline(chunks, { file: path.join(dir, 'pipeline.ts'), params: {} });
    assert.deepEqual(plan.tasks.map((task) => [task.step, task.outputs]), [['split', ['chunks/A/']], ['split', ['chunks/B/']]]);
    assert.deepEqual([...plan.waiting], [['process', ['split']], ['gather', ['split']]]);
  });

  it('plans from the folders on disk, links each reader to the task making its folder, a gather to all of them', () => {
    const dir = folderWith(['data/A.txt', 'data/B.txt', 'data/C.txt', 'chunks/A/x1.txt', 'chunks/A/x2.txt', 'chunks/B/x1.txt', 'processed/A/x9.out']);
    const plan = planPipeline(chunks, { file: path.join(dir, 'pipeline.ts'), params: {} });
    const id = (step: string, output: string): number => plan.tasks.find((task) => task.step === step && task.outputs[0] === output)?.id as number;
    assert.deepEqual(plan.folderLinks.get(id('process', 'processed/A/x2.out')), [id('split', 'chunks/A/')]);
    assert.deepEqual(plan.folderLinks.get(id('process', 'processed/B/x1.out')), [id('split', 'chunks/B/')]);
    const gather = plan.tasks.find((task) => task.step === 'gather');
    // The gather waits for every folder, a new sample's too (C: no chunk yet).
    assert.deepEqual(plan.folderLinks.get(gather?.id as number), [id('split', 'chunks/A/'), id('split', 'chunks/B/'), id('split', 'chunks/C/')]);
    // The leftover processed/A/x9.out (its chunk is gone) is not gathered.
    assert.deepEqual(gather?.inputs, ['processed/A/x1.out', 'processed/A/x2.out', 'processed/B/x1.out']);
  });
});
