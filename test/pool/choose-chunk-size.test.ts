import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseChunkSize } from '../../src/pool/choose-chunk-size.ts';

describe('chooseChunkSize', () => {
  const base = { remaining: 100_000, threads: 2, measuredItems: 0, measuredMs: 0, targetMs: 2 };

  it('sends one item before anything is measured', () => {
    assert.equal(chooseChunkSize(base), 1);
  });

  it('fills a chunk with about targetMs of work', () => {
    assert.equal(chooseChunkSize({ ...base, measuredItems: 1000, measuredMs: 1 }), 2000);
  });

  it('sends slow items one at a time', () => {
    assert.equal(chooseChunkSize({ ...base, measuredItems: 4, measuredMs: 400 }), 1);
  });

  it('never takes more than an even share of what is left, so every thread gets work', () => {
    assert.equal(chooseChunkSize({ ...base, remaining: 10, measuredItems: 1000, measuredMs: 0.001 }), 5);
    assert.equal(chooseChunkSize({ ...base, remaining: 1, measuredItems: 1000, measuredMs: 0 }), 1);
  });
});
