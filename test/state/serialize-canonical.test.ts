import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PlanError } from '../../src/errors.ts';
import { serializeCanonical } from '../../src/state/freshness/serialize-canonical.ts';

test('keys are sorted at every depth, so key order never changes the text', () => {
  const a = serializeCanonical({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: 'z' } }, 'params');
  const b = serializeCanonical({ a: { c: 'z', d: [1, { x: 1, y: 2 }] }, b: 1 }, 'params');
  assert.equal(a, b);
  assert.equal(a, '{"a":{"c":"z","d":[1,{"x":1,"y":2}]},"b":1}');
});

test('array order matters and undefined properties are left out', () => {
  assert.notEqual(serializeCanonical([1, 2], 'p'), serializeCanonical([2, 1], 'p'));
  assert.equal(serializeCanonical({ a: undefined, b: null }, 'p'), '{"b":null}');
});

test('anything but plain JSON is a PlanError naming where it is', () => {
  const cases: Array<[unknown, RegExp]> = [
    [{ f: () => 1 }, /`params\.f`.*got a function/],
    [{ n: [1, Number.NaN] }, /`params\.n\[1\]`.*got NaN/],
    [{ d: new Date(0) }, /`params\.d`.*got an instance of Date/],
    [{ big: 1n }, /got a bigint/],
    [[undefined], /`params\[0\]`.*got undefined/],
  ];
  for (const [value, message] of cases) {
    assert.throws(() => serializeCanonical(value, 'params'), (error: unknown) => {
      assert.ok(error instanceof PlanError);
      assert.match(error.message, /^Expected `/);
      assert.match(error.message, message);
      return true;
    });
  }
  const loop: Record<string, unknown> = {};
  loop.self = loop;
  assert.throws(() => serializeCanonical(loop, 'params'), /circular/);
});

test('a shared object that is not a cycle is fine', () => {
  const shared = { x: 1 };
  assert.equal(serializeCanonical({ a: shared, b: shared }, 'p'), '{"a":{"x":1},"b":{"x":1}}');
});
