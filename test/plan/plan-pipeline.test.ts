import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { PlanError } from '../../src/errors.ts';
import { all, cmd, pipeline, sh, step } from '../../src/plan/define-pipeline.ts';
import { planPipeline } from '../../src/plan/plan-pipeline.ts';
import { renderArgv } from '../../src/kernel/render-action.ts';
import { makeTempDir } from '../helpers/run-sluice.ts';

function folderWith(files: string[]): string {
  const dir = makeTempDir('sluice-plan-');
  for (const file of files) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), file);
  }
  return dir;
}

const diabetes = pipeline({
  // Declared in reverse order: the DAG follows from the paths, not from the order.
  summary: step({ in: { csvs: all('out/{patient}.csv') }, out: 'out/summary.txt', run: cmd('cat', '{in.csvs}') , stdout: true }),
  csv: step({ in: 'work/{patient}.tsv', out: 'out/{patient}.csv', run: cmd('translate', '{in}', '{out}') }),
  iso: step({ in: 'data/data-{patient}', out: 'work/{patient}.tsv', run: sh('iso < {in} > {out}') }),
});

describe('planPipeline', () => {
  it('makes one task per wildcard match and follows the DAG from the paths', () => {
    const dir = folderWith(['data/data-01', 'data/data-02', 'data/notes.txt']);
    const plan = planPipeline(diabetes, { file: path.join(dir, 'pipeline.ts'), params: {} });
    const byStep = (name: string) => plan.tasks.filter((task) => task.step === name);
    assert.deepEqual(byStep('iso').map((task) => task.wildcards), [{ patient: '01' }, { patient: '02' }]);
    assert.deepEqual(byStep('csv').map((task) => task.inputs), [['work/01.tsv'], ['work/02.tsv']]);
    const [summary] = byStep('summary');
    assert.deepEqual(summary?.inputs, ['out/01.csv', 'out/02.csv']);
    assert.deepEqual(renderArgv(summary!.action, summary!.outputs), ['cat', 'out/01.csv', 'out/02.csv']);
    const [csv1] = byStep('csv');
    assert.deepEqual(renderArgv(csv1!.action, csv1!.outputs), ['translate', 'work/01.tsv', 'out/01.csv']);
    const [iso1] = byStep('iso');
    const [bash, ...strict] = renderArgv(iso1!.action, ['/tmp/x y']);
    assert.match(bash ?? '', /^\/.*\/bash$/, 'sh() runs with the bash found on PATH');
    assert.deepEqual(strict, ['-euo', 'pipefail', '-c', "iso < data/data-01 > '/tmp/x y'"]);
    const idsOf = (name: string) => byStep(name).map((task) => task.id);
    assert.deepEqual([...(plan.dependencies.get(summary!.id) ?? [])].sort(), idsOf('csv').sort());
    assert.deepEqual(plan.dependencies.get(csv1!.id), [iso1!.id]);
    assert.equal(summary!.cwd, dir);
  });

  it('never gathers its own old output lying on disk', () => {
    const dir = folderWith(['data/data-01', 'out/summary.csv']);
    const own = pipeline({
      csv: step({ in: 'data/data-{p}', out: 'out/{p}.csv', run: cmd('cp', '{in}', '{out}') }),
      summary: step({ in: { all: all('out/{name}.csv') }, out: 'out/summary.csv', run: cmd('cat', '{in.all}'), stdout: true }),
    });
    const plan = planPipeline(own, { file: path.join(dir, 'pipeline.ts'), params: {} });
    assert.deepEqual(plan.tasks.find((task) => task.step === 'summary')?.inputs, ['out/01.csv']);
  });

  it('selects only what targets need', () => {
    const dir = folderWith(['data/data-01', 'data/data-02']);
    const file = path.join(dir, 'pipeline.ts');
    const byStep = planPipeline(diabetes, { file, params: {}, targets: ['csv'] });
    assert.deepEqual(byStep.tasks.map((task) => `${task.step}:${task.outputs[0]}`).sort(), [
      'csv:out/01.csv', 'csv:out/02.csv', 'iso:work/01.tsv', 'iso:work/02.tsv',
    ]);
    const byPath = planPipeline(diabetes, { file, params: {}, targets: ['out/02.csv'], cwd: dir });
    assert.deepEqual(byPath.tasks.map((task) => task.outputs[0]), ['out/02.csv', 'work/02.tsv']);
    assert.throws(() => planPipeline(diabetes, { file, params: {}, targets: ['nope'] }), /Unknown target `nope`: not a step of .*pipeline\.ts \(summary, csv, iso\)/);
  });

  it('passes parameters to the steps and their commands', () => {
    const dir = folderWith(['in/a.txt']);
    const withParams = pipeline({
      params: { data: 'in', depth: 3 },
      steps: (p) => ({ count: step({ in: `${p.data}/{f}.txt`, out: 'out/{f}', run: cmd('head', '-n', '{param.depth}', '{in}'), stdout: true }) }),
    });
    const plan = planPipeline(withParams, { file: path.join(dir, 'p.ts'), params: { data: 'in', depth: 7 } });
    assert.deepEqual(renderArgv(plan.tasks[0]!.action, []), ['head', '-n', '7', 'in/a.txt']);
    assert.equal(plan.tasks[0]!.stdoutOutput, 0);
  });
});

describe('planPipeline errors', () => {
  const cases: Array<[string, ReturnType<typeof pipeline>, RegExp]> = [
    [
      'a cycle',
      pipeline({
        seed: step({ in: 'data/{x}.a', out: 'work/{x}.b', run: cmd('cp', '{in}', '{out}') }),
        a: step({ in: { b: 'work/{x}.b', d: 'work/{x}.d' }, out: 'work/{x}.c', run: cmd('cp', '{in.b}', '{out}') }),
        b: step({ in: 'work/{x}.c', out: 'work/{x}.d', run: cmd('cp', '{in}', '{out}') }),
      }),
      /Cycle between steps: `(a` → `b` → `a|b` → `a` → `b)`/,
    ],
    [
      'two tasks for one output',
      pipeline({
        one: step({ in: 'data/{x}.a', out: 'out/same', run: cmd('cp', '{in}', '{out}') }),
      }),
      /Two tasks would write `out\/same`: task `one\[x=1\]` and task `one\[x=2\]`/,
    ],
    [
      'an output that is its own input',
      pipeline({ inplace: step({ in: 'data/{x}.a', out: 'data/{x}.a', run: cmd('sort', '-o', '{out}', '{in}') }) }),
      /Output `data\/\{x\}\.a` of step `inplace` of .* is also its input/,
    ],
    [
      'a wildcard in an output that the input does not bind',
      pipeline({ s: step({ in: 'data/{x}.a', out: 'out/{y}.b', run: cmd('cp', '{in}', '{out}') }) }),
      /Wildcard `\{y\}` in output `out\/\{y\}\.b` of step `s` \(out\) of .* is not bound by an input \(the inputs bind \{x\}\)/,
    ],
    [
      'an input that nothing makes and does not exist',
      pipeline({ s: step({ in: { a: 'data/{x}.a', ref: 'ref/genome.fa' }, out: 'out/{x}', run: cmd('cp', '{in.a}', '{out}') }) }),
      /Input `ref\/genome\.fa` of task `s\[x=1\]` does not exist and no step makes it/,
    ],
    [
      'a glob that matches nothing',
      pipeline({ s: step({ in: 'data/{x}.zzz', out: 'out/{x}', run: cmd('cp', '{in}', '{out}') }) }),
      /No file matches input `data\/\{x\}\.zzz` of step `s` of .*, and no step makes one/,
    ],
    [
      'an unknown placeholder',
      pipeline({ s: step({ in: 'data/{x}.a', out: 'out/{x}', run: cmd('cp', '{in}', '{ot}') }) }),
      /Unknown placeholder `\{ot\}` in step `s` \(run\) of .*, word 3/,
    ],
  ];
  for (const [name, definition, message] of cases) {
    it(`refuses ${name}, naming the step and file`, () => {
      const dir = folderWith(['data/1.a', 'data/2.a']);
      assert.throws(
        () => planPipeline(definition, { file: path.join(dir, 'pipeline.ts'), params: {} }),
        (error: unknown) => {
          assert.ok(error instanceof PlanError, String(error));
          assert.match(error.message, message);
          return true;
        },
      );
    });
  }
});

// An output folder that is, through a symlink, a folder an input pattern reads: compared as
// strings the planner saw no link; the next run took `data/a.out.txt` for a source file.
describe('planPipeline and outputs through a symlinked folder', () => {
  const linked = (): string => {
    const dir = folderWith(['data/a.txt']);
    fs.symlinkSync('data', path.join(dir, 'link'));
    return dir;
  };
  it('refuses an output that lands where its own step reads, naming both names', () => {
    const dir = linked();
    const definition = pipeline({ copy: step({ in: 'data/{n}.txt', out: 'link/{n}.out.txt', run: cmd('cp', '{in}', '{out}') }) });
    assert.throws(
      () => planPipeline(definition, { file: path.join(dir, 'pipeline.ts'), params: {} }),
      (error: unknown) => {
        assert.ok(error instanceof PlanError, String(error));
        assert.match(error.message, /Output `link\/a\.out\.txt` of task `copy\[n=a\]` is `data\/a\.out\.txt` on disk \(through a symlinked folder\), which input `data\/\{n\}\.txt` of step `copy` reads/);
        return true;
      },
    );
  });
  it("refuses one that another step reads by its real name (it would not wait for it)", () => {
    const dir = linked();
    // As an earlier run left it.
    fs.writeFileSync(path.join(dir, 'data', 'a.csv'), 'a\n');
    const definition = pipeline({
      make: step({ in: 'data/{n}.txt', out: 'link/{n}.csv', run: cmd('cp', '{in}', '{out}') }),
      use: step({ in: 'data/{n}.csv', out: 'out/{n}.txt', run: cmd('cp', '{in}', '{out}') }),
    });
    assert.throws(() => planPipeline(definition, { file: path.join(dir, 'pipeline.ts'), params: {} }), /which input `data\/\{n\}\.csv` of step `use` reads/);
  });
  it('plans outputs through a symlinked folder that no input pattern reads', () => {
    const dir = folderWith(['data/a.txt']);
    fs.mkdirSync(path.join(dir, 'results'));
    fs.symlinkSync('results', path.join(dir, 'out'));
    const definition = pipeline({ copy: step({ in: 'data/{n}.txt', out: 'out/{n}.txt', run: cmd('cp', '{in}', '{out}') }) });
    const plan = planPipeline(definition, { file: path.join(dir, 'pipeline.ts'), params: {} });
    assert.deepEqual(plan.tasks.map((task) => task.outputs), [['out/a.txt']]);
  });
});
