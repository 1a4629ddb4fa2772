// The timeline's rows: each attempt goes to the lowest-numbered lane free at its start, so the
// number of lanes is the most attempts that ran at once (the slots in use), and an attempt that
// starts as another ends takes its place.

import { MinHeap } from './min-heap.ts';

export interface Interval {
  readonly start: number;
  readonly end: number;
}

export interface LaneAssignment {
  /** Lane of each interval, in the order given; lanes count from 0. */
  readonly lanes: readonly number[];
  readonly laneCount: number;
}

/** O(n log n): intervals sorted by start, two heaps (busy lanes by end, free lanes by number). */
export function assignLanes(intervals: readonly Interval[]): LaneAssignment {
  const order = intervals.map((_, index) => index);
  order.sort((a, b) => (intervals[a] as Interval).start - (intervals[b] as Interval).start || a - b);
  const lanes = new Array<number>(intervals.length).fill(0);
  const busy = new MinHeap<{ end: number; lane: number }>((a, b) => a.end - b.end || a.lane - b.lane);
  const free = new MinHeap<number>((a, b) => a - b);
  let laneCount = 0;
  for (const index of order) {
    const { start, end } = intervals[index] as Interval;
    while (busy.size > 0 && (busy.peek() as { end: number }).end <= start) free.push((busy.pop() as { lane: number }).lane);
    const lane = free.size > 0 ? (free.pop() as number) : laneCount++;
    lanes[index] = lane;
    busy.push({ end: Math.max(start, end), lane });
  }
  return { lanes, laneCount };
}
