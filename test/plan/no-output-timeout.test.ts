// A step's no-output limit (`noOutputTimeout`): read like `timeout`, refused at load with the
// step named when it is no duration above zero, misspelt, or given to a function step.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PlanError } from '../../src/errors.ts';
import { cmd, pipeline, sh, step } from '../../src/plan/define-pipeline.ts';
import { normalizeSteps, type StepDefaults } from '../../src/plan/normalize-step.ts';
import { planPipeline } from '../../src/plan/plan-pipeline.ts';

const FILE = '/work/p/pipeline.ts';

function refusal(fields: Record<string, unknown>): PlanError {
  try {
    normalizeSteps(pipeline({ quiet: step({ out: 'o.txt', run: sh('echo > {out}'), ...fields }) }), { file: FILE, params: {} });
  } catch (error) {
    assert.ok(error instanceof PlanError, String(error));
    return error;
  }
  assert.fail('expected a plan error');
}

describe('noOutputTimeout of a step', () => {
  it('is read like timeout: a duration or milliseconds', () => {
    const steps = normalizeSteps(
      pipeline({
        words: step({ out: 'a.txt', run: sh('echo > {out}'), noOutputTimeout: '1m30s', timeout: '2h' }),
        ms: step({ out: 'b.txt', run: cmd('touch', '{out}'), noOutputTimeout: 1500 }),
        none: step({ out: 'c.txt', run: cmd('touch', '{out}') }),
      }),
      { file: FILE, params: {} },
    );
    assert.deepEqual(steps.map((s) => [s.name, s.noOutputTimeoutMs, s.timeoutMs]), [
      ['words', 90_000, 7_200_000],
      ['ms', 1500, undefined],
      ['none', undefined, undefined],
    ]);
  });

  it('reaches the tasks, and the run default fills in for command steps only', () => {
    const defaults: StepDefaults = { noOutputTimeoutMs: 5000 };
    const definition = pipeline({
      own: step({ out: 'a.txt', run: sh('echo > {out}'), noOutputTimeout: '1s' }),
      plain: step({ out: 'b.txt', run: sh('echo > {out}') }),
      fn: step({ out: 'c.txt', run: async () => {} }),
    });
    const steps = normalizeSteps(definition, { file: FILE, params: {}, defaults });
    assert.deepEqual(steps.map((s) => [s.name, s.noOutputTimeoutMs]), [['own', 1000], ['plain', 5000], ['fn', undefined]]);
    const plan = planPipeline(definition, { file: FILE, params: {}, defaults });
    assert.deepEqual(plan.tasks.map((t) => [t.step, t.resources.noOutputTimeoutMs]), [['own', 1000], ['plain', 5000], ['fn', undefined]]);
  });

  for (const [value, words] of [
    ['0s', 'longer than zero'],
    ['0', 'longer than zero'],
    [-5, 'a duration such as'],
    [0, 'a duration such as'],
    ['abc', 'a duration such as'],
    ['10 parsecs', 'a duration such as'],
    ['', 'a duration such as'],
    [Number.NaN, 'a duration such as'],
    [true, 'a duration such as'],
  ] as const) {
    it(`refuses ${JSON.stringify(value) ?? String(value)}, naming the step and the field`, () => {
      const error = refusal({ noOutputTimeout: value });
      assert.match(error.message, /`noOutputTimeout` of step `quiet`/);
      assert.ok(error.message.includes(words), error.message);
      assert.ok(error.message.includes(FILE), error.message);
    });
  }

  it('refuses a misspelt name, suggesting the right one', () => {
    assert.match(refusal({ noOutputTimout: '1s' }).message, /`noOutputTimout` in step `quiet`.*did you mean `noOutputTimeout`/);
    assert.match(refusal({ idleTimeout: '1s' }).message, /`idleTimeout` in step `quiet`.*`noOutputTimeout`/);
  });

  it('refuses it on a function step, which has no output stream to watch', () => {
    const error = (() => {
      try {
        // A JavaScript pipeline (or one cast past the types) reaches the loader with it.
        const loose = { out: 'c.txt', run: async () => {}, noOutputTimeout: '1s' } as unknown as Parameters<typeof step>[0];
        normalizeSteps(pipeline({ fn: step(loose) }), { file: FILE, params: {} });
      } catch (caught) {
        return caught as PlanError;
      }
      assert.fail('expected a plan error');
    })();
    assert.ok(error instanceof PlanError);
    assert.match(error.message, /^Expected `noOutputTimeout` of step `fn` in \/work\/p\/pipeline\.ts to be left out: a function step/);
  });

  // Compiled by `npm run typecheck`. Before, step() accepted it and only the loader refused it.
  it('is not in the type of a function step: TypeScript refuses it where it is written', () => {
    const made = [
      // @ts-expect-error: a function step has no noOutputTimeout
      step({ out: 'c.txt', run: async () => {}, noOutputTimeout: '1s' }),
      // @ts-expect-error: in milliseconds neither
      step({ in: 'data/{s}.txt', out: 'o/{s}.txt', run: ({ wildcards }) => void wildcards.s, noOutputTimeout: 1000 }),
      // A command step, a shell step, and a function step without it are fine.
      step({ out: 'a.txt', run: cmd('touch', '{out}'), noOutputTimeout: '1s' }),
      step({ out: 'b.txt', run: sh('echo > {out}'), noOutputTimeout: 1000 }),
      step({ in: 'data/{s}.txt', out: 'o/{s}.txt', run: ({ wildcards }) => void wildcards.s, timeout: '1m' }),
    ];
    assert.deepEqual(made.map((s) => s.noOutputTimeout), ['1s', 1000, '1s', 1000, undefined]);
  });
});
