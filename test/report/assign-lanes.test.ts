import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assignLanes, type Interval } from '../../src/report/html/assign-lanes.ts';

// The most intervals open at one instant; an interval ending at t does not overlap one starting at t.
function maxOverlap(intervals: readonly Interval[]): number {
  const events = intervals.flatMap(({ start, end }) => [[start, 1], [Math.max(start, end), -1]] as const);
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let most = 0;
  for (const [, change] of events) most = Math.max(most, (open += change));
  return most;
}

describe('assignLanes', () => {
  it('puts back-to-back attempts in one lane', () => {
    assert.deepEqual(assignLanes([{ start: 0, end: 10 }, { start: 10, end: 20 }, { start: 20, end: 25 }]), { lanes: [0, 0, 0], laneCount: 1 });
  });

  it('opens a lane per overlapping attempt and reuses the lowest free one', () => {
    const { lanes, laneCount } = assignLanes([
      { start: 0, end: 100 }, // lane 0
      { start: 5, end: 30 }, // lane 1
      { start: 10, end: 50 }, // lane 2
      { start: 40, end: 60 }, // lane 1 is free again (ended at 30); lane 2 still busy
      { start: 55, end: 70 }, // lanes 2 (ended 50) free, 1 busy till 60: lowest free is 2
      { start: 65, end: 80 }, // lane 1 free since 60
    ]);
    assert.deepEqual(lanes, [0, 1, 2, 1, 2, 1]);
    assert.equal(laneCount, 3);
  });

  it('keeps the order given, whatever the order of starts', () => {
    const { lanes } = assignLanes([{ start: 50, end: 60 }, { start: 0, end: 55 }, { start: 0, end: 10 }]);
    // Sorted by start (ties by position): [1] lane 0, [2] lane 1, then [0] at 50: lane 1 is free.
    assert.deepEqual(lanes, [1, 0, 1]);
  });

  it('never puts two overlapping attempts in one lane, and uses no more lanes than were busy at once', () => {
    let seed = 42;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 50; round++) {
      const intervals = Array.from({ length: 200 }, () => {
        const start = Math.floor(random() * 1000);
        return { start, end: start + Math.floor(random() * 80) };
      });
      const { lanes, laneCount } = assignLanes(intervals);
      assert.equal(laneCount, maxOverlap(intervals));
      const byLane = new Map<number, Interval[]>();
      intervals.forEach((interval, index) => byLane.set(lanes[index] as number, [...(byLane.get(lanes[index] as number) ?? []), interval]));
      for (const members of byLane.values()) {
        members.sort((a, b) => a.start - b.start);
        for (let i = 1; i < members.length; i++) assert.ok((members[i - 1] as Interval).end <= (members[i] as Interval).start);
      }
    }
  });

  it('handles nothing, and an attempt whose end was never recorded', () => {
    assert.deepEqual(assignLanes([]), { lanes: [], laneCount: 0 });
    assert.deepEqual(assignLanes([{ start: 10, end: 0 }, { start: 10, end: 12 }]), { lanes: [0, 0], laneCount: 1 });
  });
});
