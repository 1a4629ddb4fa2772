// planToFixpoint skips testing a step's outputs against another step's inputs when their literal
// heads or tails cannot agree (canReadAny): it must never skip an output that would match.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NormalizedStep } from '../../src/plan/normalize-step.ts';
import { fillPathPattern, parsePathPattern, testPathPattern } from '../../src/plan/path-pattern.ts';
import { canReadAny } from '../../src/plan/plan-to-fixpoint.ts';

const step = (inputs: string[], outputs: string[]): NormalizedStep =>
  ({
    inputs: inputs.map((source) => ({ name: source, pattern: parsePathPattern(source, 'test'), gather: false })),
    outputs: outputs.map((source) => ({ name: source, pattern: parsePathPattern(source, 'test') })),
  }) as unknown as NormalizedStep;

test('steps whose paths cannot meet are told apart, and any that can are not', () => {
  assert.equal(canReadAny(step(['data/{n}.txt'], []), step([], ['out/{n}.txt'])), false, 'other folder');
  assert.equal(canReadAny(step(['out/{n}.csv'], []), step([], ['out/{n}.txt'])), false, 'other extension');
  assert.equal(canReadAny(step(['out/{n}.txt'], []), step([], ['out/{n}.txt'])), true);
  assert.equal(canReadAny(step(['out/{n}'], []), step([], ['out/{s}/{n}.txt'])), true, 'a shorter head and tail');
  assert.equal(canReadAny(step(['o{x}'], []), step([], ['out/{n}.txt'])), true);
  assert.equal(canReadAny(step(['data/a.txt'], []), step([], ['out/{n}.txt'])), true, 'a literal input is tested path by path');
  assert.equal(canReadAny(step(['data/{n}.txt'], []), step([], ['out/a.txt'])), true, 'a literal output is tested path by path');
  assert.equal(canReadAny(step(['data/{n}.txt', 'out/{n}.txt'], []), step([], ['x/{n}', 'out/{m}.txt'])), true, 'any pair');
});

test('no output that a pattern matches is ever ruled out', () => {
  const pieces = ['a', 'b', '/', '.', 'ab', 'a/', '/b', '.t', ''];
  const values = ['a', 'b', 'ab', 'x.t', '.', 'a.b'];
  let seed = 11;
  const random = (count: number): number => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) % count;
  const makePattern = (): string => {
    let source = '';
    const wildcards = 1 + random(2);
    for (let i = 0; i < wildcards; i += 1) source += `${pieces[random(pieces.length)]}{w${i}}`;
    return source + pieces[random(pieces.length)];
  };
  let ruledOut = 0;
  for (let round = 0; round < 3000; round += 1) {
    const input = makePattern();
    const output = makePattern();
    if (canReadAny(step([input], []), step([], [output]))) continue;
    ruledOut += 1;
    const pattern = parsePathPattern(output, 'test');
    for (const first of values) {
      for (const second of values) {
        const made = fillPathPattern(pattern, { w0: first, w1: second });
        assert.equal(testPathPattern(parsePathPattern(input, 'test'), made), false, `${input} matches ${made} (made by ${output})`);
      }
    }
  }
  assert.ok(ruledOut > 100, `only ${ruledOut} pairs ruled out`);
});
