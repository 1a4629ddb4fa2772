import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { keepSamLine, writeFilteredSam } from '../../examples/align/filter-sam.ts';
import { makeTempDir } from '../helpers/run-sluice.ts';

const filter = { chromosome: 'chr7', minMapq: 10 };
const read = (name: string, chromosome: string, mapq: number, flag = 0): string =>
  [name, flag, chromosome, chromosome === '*' ? 0 : 100, mapq, chromosome === '*' ? '*' : '4M', '*', 0, 0, 'ACGT', 'IIII'].join('\t');

describe('examples/align filter', () => {
  it('keeps header lines and reads on the chromosome with MAPQ above the bound', () => {
    assert.ok(keepSamLine('@HD\tVN:1.5\tSO:unsorted', filter));
    assert.ok(keepSamLine('@SQ\tSN:chr1\tLN:60000', filter), 'headers of other chromosomes stay');
    assert.ok(keepSamLine(read('a', 'chr7', 42), filter));
    assert.ok(keepSamLine(read('b', 'chr7', 11, 16), filter));
    assert.ok(!keepSamLine(read('c', 'chr7', 10), filter), 'MAPQ must be above 10, not equal');
    assert.ok(!keepSamLine(read('d', 'chr7', 1, 256), filter));
    assert.ok(!keepSamLine(read('e', 'chr1', 42), filter));
    assert.ok(!keepSamLine(read('f', 'chr70', 42), filter), 'the name must match whole');
    assert.ok(!keepSamLine(read('g', '*', 0, 4), filter), 'unaligned reads go');
  });

  it('writes the kept lines and counts what it saw', async () => {
    const file = path.join(makeTempDir('sluice-align-'), 'kept.sam');
    async function* lines(): AsyncGenerator<string> {
      yield '@HD\tVN:1.5';
      yield '@SQ\tSN:chr7\tLN:50000';
      for (let n = 0; n < 50_000; n++) yield read(`r${n}`, n % 2 === 0 ? 'chr7' : 'chr1', n % 4 === 0 ? 42 : 3);
      yield '';
    }
    const counts = await writeFilteredSam(lines(), file, filter);
    assert.deepEqual(counts, { headers: 2, reads: 50_000, kept: 12_500 });
    const written = fs.readFileSync(file, 'utf8').split('\n');
    assert.equal(written.length, 2 + 12_500 + 1);
    assert.deepEqual(written.slice(0, 3), ['@HD\tVN:1.5', '@SQ\tSN:chr7\tLN:50000', read('r0', 'chr7', 42)]);
    assert.equal(written.at(-1), '');
  });

  it('fails when the file cannot be written, without waiting forever', async () => {
    const missing = path.join(makeTempDir('sluice-align-'), 'no', 'such', 'kept.sam');
    async function* lines(): AsyncGenerator<string> {
      for (let n = 0; n < 100_000; n++) yield read(`r${n}`, 'chr7', 42);
    }
    await assert.rejects(writeFilteredSam(lines(), missing, filter), { code: 'ENOENT' });
  });
});
