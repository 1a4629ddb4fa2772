import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileFunction } from '../../src/pool/compile-function.ts';

describe('compileFunction', () => {
  it('evaluates arrow functions, function expressions and methods from their source', () => {
    const methods = { triple(x: number): number { return x * 3; } };
    assert.equal(compileFunction(((x: number) => x * 2).toString())(4, 0), 8);
    assert.equal(compileFunction(function add(x: number, i: number) { return x + i; }.toString())(4, 1), 5);
    assert.equal(compileFunction(methods.triple.toString())(4, 0), 12);
  });

  it('runs code that tsx compiled with __name helpers for inner functions', () => {
    const fn = (x: number): number => {
      function inner(y: number): number { return y + 1; }
      return inner(x);
    };
    assert.equal(compileFunction(fn.toString())(1, 0), 2);
  });

  it('refuses what cannot be evaluated, naming the source', () => {
    assert.throws(() => compileFunction(Math.max.toString()), /bound and native functions cannot be sent: function max/);
    assert.throws(() => compileFunction('42'), /Expected the source to be a function, got 42/);
  });
});
