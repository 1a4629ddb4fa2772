import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { PlanError } from '../../src/errors.ts';
import { cmd, pipeline, step } from '../../src/plan/define-pipeline.ts';
import { normalizeStep } from '../../src/plan/normalize-step.ts';
import { planPipeline } from '../../src/plan/plan-pipeline.ts';
import { makeTempDir } from '../helpers/run-sluice.ts';

// A plan error says where it lies as fields, not only in its message: the pipeline file, the
// step and the field at fault, where the code that found it knows them.

const FILE = '/project/pipeline.ts';

function placeOf(run: () => unknown): { file?: string; step?: string; field?: string; message: string } {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof PlanError, `a PlanError, got ${String(error)}`);
    return { file: error.file, step: error.step, field: error.field, message: error.message };
  }
  assert.fail('no error');
}

describe('the place of a plan error', () => {
  it('names the file, step and field of a step field of the wrong kind', () => {
    const place = placeOf(() => normalizeStep('align', step({ in: 'a/{x}.txt', out: 'b/{x}.txt', cpus: 0, run: cmd('cp', '{in}', '{out}') }), FILE, {}));
    assert.deepEqual({ ...place, message: undefined }, { file: FILE, step: 'align', field: 'cpus', message: undefined });
    assert.match(place.message, /^Expected `cpus` of step `align` in \/project\/pipeline\.ts to be a positive integer, got `0`/);
  });

  it('names the field of a memory size Slurm could not take, of an unknown key and of a broken pattern', () => {
    const memory = placeOf(() => normalizeStep('big', step({ out: 'o.txt', memory: '512B', run: cmd('touch', '{out}') }), FILE, {}));
    assert.deepEqual([memory.file, memory.step, memory.field], [FILE, 'big', 'memory']);
    const unknown = placeOf(() => normalizeStep('s', { ...step({ out: 'o.txt', run: cmd('touch', '{out}') }), ouput: 'x' }, FILE, {}));
    assert.deepEqual([unknown.file, unknown.step, unknown.field], [FILE, 's', 'ouput']);
    const pattern = placeOf(() => normalizeStep('s', step({ in: { reads: 'a/{x.txt' }, out: 'o/{x}', run: cmd('cp', '{in}', '{out}') }), FILE, {}));
    assert.deepEqual([pattern.file, pattern.step, pattern.field], [FILE, 's', 'in.reads']);
    const timeout = placeOf(() => normalizeStep('s', step({ out: 'o.txt', timeout: 'soon', run: cmd('touch', '{out}') }), FILE, {}));
    assert.deepEqual([timeout.step, timeout.field], ['s', 'timeout']);
  });

  it('names the step and input that match no file when planning', () => {
    const dir = makeTempDir('sluice-plan-place-');
    const file = path.join(dir, 'pipeline.ts');
    fs.writeFileSync(file, '');
    const definition = pipeline({ count: step({ in: { table: 'data/{x}.tsv' }, out: 'out/{x}.n', run: cmd('wc', '-l', '{in}') }) });
    const place = placeOf(() => planPipeline(definition, { file, params: {} }));
    assert.deepEqual([place.file, place.step, place.field], [file, 'count', 'in.table']);
  });

  it('has no such fields where nothing is known, and keeps its cause', () => {
    const cause = new Error('inner');
    const error = new PlanError('Expected a command after `--`, got none', { cause });
    assert.equal(error.cause, cause);
    assert.equal(error.exitStatus, 2);
    for (const field of ['file', 'step', 'field']) assert.equal(Object.hasOwn(error, field), false, field);
  });
});
