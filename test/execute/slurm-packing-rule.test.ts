import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { choosePacking, splitIntoPacks, type PackingInput } from '../../src/execute/slurm/choose-packing.ts';
import { medianOf } from '../../src/kernel/median-of.ts';
import { capacityFor, parseSinfo, parseSlurmTime } from '../../src/execute/slurm/parse-sinfo.ts';

// The packing rule (README "Slurm") on numbers, and sinfo's text as Slurm 22.05 prints it.

const base: PackingInput = { count: 1000, slots: 2, targetMs: 30_000, timeMarginMs: 60_000 };

describe('choosePacking', () => {
  it('probes when nothing is known: one task per element, as many as the cluster runs at once', () => {
    assert.deepEqual(choosePacking(base), { kind: 'probe', count: 2 });
    assert.deepEqual(choosePacking({ ...base, count: 1 }), { kind: 'probe', count: 1 });
    assert.deepEqual(choosePacking({ ...base, slots: 5000 }), { kind: 'probe', count: 1000 });
  });

  it('packs short tasks to the target, but never into fewer elements than the slots', () => {
    assert.deepEqual(choosePacking({ ...base, expectedMs: 10 }), { kind: 'packs', perElement: 500 });
    assert.deepEqual(choosePacking({ ...base, expectedMs: 1000, slots: 8 }), { kind: 'packs', perElement: 30 });
    assert.deepEqual(choosePacking({ ...base, expectedMs: 0, slots: 1000 }), { kind: 'packs', perElement: 1 });
    assert.deepEqual(choosePacking({ ...base, count: 20, expectedMs: 10, slots: 20 }), { kind: 'packs', perElement: 1 });
  });

  it('gives long tasks one element each, from their duration or, with none recorded, their timeout', () => {
    assert.deepEqual(choosePacking({ ...base, count: 20, expectedMs: 60_000 }), { kind: 'packs', perElement: 1 });
    assert.deepEqual(choosePacking({ ...base, count: 20, timeoutMs: 120_000 }), { kind: 'packs', perElement: 1 });
    assert.deepEqual(choosePacking({ ...base, count: 20, timeoutMs: 5_000 }), { kind: 'packs', perElement: 6 });
    // A recorded duration wins over the timeout (an upper bound).
    assert.deepEqual(choosePacking({ ...base, count: 20, timeoutMs: 120_000, expectedMs: 100 }), { kind: 'packs', perElement: 10 });
  });

  it('keeps the sum of the timeouts (plus the margin) within the partition\'s time limit', () => {
    const input = { ...base, expectedMs: 100, timeoutMs: 600_000, maxTimeMs: 3_600_000 };
    assert.deepEqual(choosePacking(input), { kind: 'packs', perElement: 5 });
    assert.deepEqual(choosePacking({ ...input, maxTimeMs: 60_000 }), { kind: 'packs', perElement: 1 });
    // And the kill grace of each task but the last: 5 × 10 min + 4 × 5 min is over the hour.
    assert.deepEqual(choosePacking({ ...input, killGraceMs: 300_000 }), { kind: 'packs', perElement: 4 });
  });

  it('takes tasksPerJob as given, 1 included', () => {
    assert.deepEqual(choosePacking({ ...base, explicit: 1, expectedMs: 10 }), { kind: 'packs', perElement: 1 });
    assert.deepEqual(choosePacking({ ...base, explicit: 7 }), { kind: 'packs', perElement: 7 });
  });
});

describe('splitIntoPacks and medianOf', () => {
  it('cuts in order into elements as even as their number allows', () => {
    assert.deepEqual(splitIntoPacks([1, 2, 3, 4, 5, 6, 7], 3), [[1, 2, 3], [4, 5], [6, 7]]);
    assert.deepEqual(splitIntoPacks([1, 2], 5), [[1, 2]]);
    assert.deepEqual(splitIntoPacks([1, 2, 3], 1), [[1], [2], [3]]);
    assert.deepEqual(splitIntoPacks([], 4), []);
  });

  it('takes the median', () => {
    assert.equal(medianOf([]), undefined);
    assert.equal(medianOf([5, 1, 9]), 5);
    assert.equal(medianOf([4, 1, 9, 2]), 3);
  });
});

describe('parseSinfo', () => {
  it('reads partitions, the default, CPUs that can run and time limits', () => {
    const partitions = parseSinfo('debug*|infinite|0/2/0/2\nlong|7-00:00:00|10/20/8/38\nshort|30:00|0/4/0/4\nbroken line\n');
    assert.deepEqual(partitions, [
      { name: 'debug', isDefault: true, cpus: 2, maxTimeMs: undefined },
      { name: 'long', isDefault: false, cpus: 30, maxTimeMs: 7 * 86_400_000 },
      { name: 'short', isDefault: false, cpus: 4, maxTimeMs: 1_800_000 },
    ]);
    assert.deepEqual(capacityFor(partitions, undefined), { cpus: 2, maxTimeMs: undefined });
    assert.deepEqual(capacityFor(partitions, 'long,short'), { cpus: 34, maxTimeMs: 1_800_000 });
    assert.equal(capacityFor(partitions, 'nowhere'), undefined);
    assert.deepEqual(capacityFor(parseSinfo('a|1:00:00|0/8/0/8\n'), undefined), { cpus: 8, maxTimeMs: 3_600_000 });
  });

  it('reads Slurm\'s time formats', () => {
    assert.equal(parseSlurmTime('5'), 300_000);
    assert.equal(parseSlurmTime('5:30'), 330_000);
    assert.equal(parseSlurmTime('2:00:00'), 7_200_000);
    assert.equal(parseSlurmTime('1-02'), 93_600_000);
    assert.equal(parseSlurmTime('1-00:30'), 88_200_000);
    assert.equal(parseSlurmTime('infinite'), undefined);
    assert.equal(parseSlurmTime('UNLIMITED'), undefined);
  });
});
