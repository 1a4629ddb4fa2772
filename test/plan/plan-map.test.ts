import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PlanError } from '../../src/errors.ts';
import { planMap, type MapPlanOptions } from '../../src/plan/plan-map.ts';
import { renderArgv } from '../../src/kernel/render-action.ts';
import { findProgram } from '../../src/plan/find-program.ts';

const base: MapPlanOptions = { command: [], shell: false, inputs: [], cwd: '/work', retries: 0, checkProgram: false };

function argvOf(options: Partial<MapPlanOptions>, outputs?: string[]): string[][] {
  return planMap({ ...base, ...options }).map((task) => renderArgv(task.action, outputs ?? task.outputs));
}

describe('planMap placeholders', () => {
  const input = 'data/sub dir/sample.tar.gz';
  const cases: Array<[string, string]> = [
    ['{}', input],
    ['{in}', input],
    ['{name}', 'sample.tar.gz'],
    ['{stem}', 'sample.tar'],
    ['{ext}', '.gz'],
    ['{dir}', 'data/sub dir'],
    ['{.}', 'data/sub dir/sample.tar'],
    ['{/}', 'sample.tar.gz'],
    ['{//}', 'data/sub dir'],
    ['{/.}', 'sample.tar'],
    ['x={stem}.csv', 'x=sample.tar.csv'],
  ];
  for (const [template, expected] of cases) {
    it(`expands ${template}`, () => {
      assert.deepEqual(argvOf({ command: ['echo', template], inputs: [input] }), [['echo', expected]]);
    });
  }

  it('gives {dir} and {//} as . for a bare name', () => {
    assert.deepEqual(argvOf({ command: ['echo', '{dir}', '{//}'], inputs: ['a.txt'] }), [['echo', '.', '.']]);
  });

  it('numbers tasks from 1 in input order', () => {
    assert.deepEqual(argvOf({ command: ['echo', '{#}', '{}'], inputs: ['a', 'b'] }), [
      ['echo', '1', 'a'],
      ['echo', '2', 'b'],
    ]);
  });

  it('appends the input when the command names no input placeholder', () => {
    assert.deepEqual(argvOf({ command: ['wc', '-l'], inputs: ['x y'] }), [['wc', '-l', 'x y']]);
    assert.deepEqual(argvOf({ command: ['echo', '{#}'], inputs: ['x'] }), [['echo', '1', 'x']]);
  });

  it('keeps every hostile name as exactly one argument', () => {
    const hostile = ['a b', "it's", '$(touch pwned)', 'a;b|c', 'new\nline', '-rf', 'ümlaut✓', '"q"'];
    const argv = argvOf({ command: ['cat', '{}'], inputs: hostile });
    assert.deepEqual(argv, hostile.map((name) => ['cat', name]));
  });

  it('treats braces that are not placeholders as text, and {{ }} as literal braces', () => {
    assert.deepEqual(argvOf({ command: ['awk', '{print $1}', '{}'], inputs: ['f'] }), [['awk', '{print $1}', 'f']]);
    assert.deepEqual(argvOf({ command: ['echo', '{{in}}', '{}'], inputs: ['f'] }), [['echo', '{in}', 'f']]);
  });

  it('refuses an unknown placeholder, naming it', () => {
    assert.throws(() => planMap({ ...base, command: ['echo', '{input}'], inputs: ['a'] }), (error: unknown) => {
      assert.ok(error instanceof PlanError);
      assert.equal(error.exitStatus, 2);
      assert.match(error.message, /Unknown placeholder `\{input\}` in command argument 2/);
      return true;
    });
    assert.throws(() => planMap({ ...base, command: ['cat'], inputs: ['a'], outTemplate: 'out/{bogus}' }), /`\{bogus\}` in `--out`/);
  });

  it('refuses {out} without --out', () => {
    assert.throws(() => planMap({ ...base, command: ['cp', '{}', '{out}'], inputs: ['a'] }), /uses `\{out\}` but no `--out/);
  });
});

describe('planMap outputs', () => {
  it('sends stdout to --out unless the command uses {out}', () => {
    const [captured] = planMap({ ...base, command: ['cat'], inputs: ['a.txt'], outTemplate: 'out/{stem}.csv' });
    assert.equal(captured?.stdoutOutput, 0);
    assert.deepEqual(captured?.outputs, ['out/a.csv']);
    const [explicit] = planMap({ ...base, command: ['cp', '{}', '{out}'], inputs: ['a.txt'], outTemplate: 'out/{name}' });
    assert.equal(explicit?.stdoutOutput, undefined);
    assert.deepEqual(renderArgv(explicit!.action, ['/tmp/stage/a.txt']), ['cp', 'a.txt', '/tmp/stage/a.txt']);
  });

  it('refuses two tasks with one output path, naming it', () => {
    assert.throws(
      () => planMap({ ...base, command: ['cat'], inputs: ['a/x.txt', 'b/x.txt'], outTemplate: 'out/{name}' }),
      (error: unknown) => error instanceof PlanError && /same output path: out\/x\.txt \(tasks 1 for a\/x\.txt and 2 for b\/x\.txt\)/.test(error.message),
    );
  });

  it('refuses an output that is one of the inputs', () => {
    assert.throws(
      () => planMap({ ...base, command: ['sort'], inputs: ['a.txt', 'b.txt'], outTemplate: '{dir}/{name}' }),
      (error: unknown) => error instanceof PlanError && /also an input: a\.txt/.test(error.message),
    );
    assert.throws(
      () => planMap({ ...base, command: ['sort'], inputs: ['x/a.txt'], outTemplate: './x/../x/{name}' }),
      /also an input: x\/a\.txt/,
    );
  });
});

describe('planMap --shell', () => {
  // As a pipeline's sh(): bash in strict mode, the bash found on PATH.
  const BASH = findProgram('bash', '/');

  it('quotes substituted values so they stay one word', () => {
    const [task] = planMap({ ...base, shell: true, command: ['cat {} | wc -l'], inputs: ["it's $(x)"] });
    assert.deepEqual(renderArgv(task!.action, []), [BASH, '-euo', 'pipefail', '-c', `cat 'it'\\''s $(x)' | wc -l`]);
  });

  it('appends the quoted input when the script names no placeholder', () => {
    const [task] = planMap({ ...base, shell: true, command: ['wc', '-c'], inputs: ['a b'] });
    assert.deepEqual(renderArgv(task!.action, []), [BASH, '-euo', 'pipefail', '-c', `wc -c 'a b'`]);
  });
});

describe('planMap program check', () => {
  it('refuses a program that is not on PATH, naming it', () => {
    assert.throws(
      () => planMap({ ...base, checkProgram: true, cwd: '/', command: ['no-such-program-xyz'], inputs: ['a'] }),
      /Program `no-such-program-xyz` not found on PATH/,
    );
  });
});
