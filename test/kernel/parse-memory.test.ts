import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMemory } from '../../src/kernel/parse-memory.ts';

describe('parseMemory', () => {
  it('gives the size as --mem takes it', () => {
    assert.equal(parseMemory('4G'), '4G');
    assert.equal(parseMemory(' 4 gb '), '4G');
    assert.equal(parseMemory('512MiB'), '512M');
    assert.equal(parseMemory('1.5G'), '1536M');
    assert.equal(parseMemory('0.5K'), '1M');
    assert.equal(parseMemory('2048'), '2048');
    assert.equal(parseMemory('1T'), '1T');
  });

  it('refuses what is not a size above zero that Slurm can hold', () => {
    for (const text of ['', 'lots', '0', '0G', '0.0M', '-1G', '4X', '512B', '4iB', 'G', '1e3M', '4 G B', '1000000000000000000000G', '9007199254740993']) {
      assert.equal(parseMemory(text), undefined, text);
    }
  });
});
