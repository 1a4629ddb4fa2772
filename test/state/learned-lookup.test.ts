// The learned stamps' lookup (read-successes.ts) walks rows in key order and falls back to a Map:
// whatever order tasks ask in, it must answer as a Map of the rows would.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLearnedLookup } from '../../src/state/journal/read-successes.ts';

type Row = [string, string | null, Uint8Array | null];

function makeRows(count: number): Row[] {
  const rows: Row[] = [];
  for (let i = 0; i < count; i += 1) {
    // Every fifth row has no stamps learned yet, every seventh no definition.
    rows.push([`key${String(i).padStart(3, '0')}`, i % 7 === 3 ? null : `def${i}`, i % 5 === 2 ? null : Uint8Array.of(i & 255)]);
  }
  return rows;
}

function expected(rows: readonly Row[], key: string): { definition: string; stamps: Uint8Array } | undefined {
  const row = rows.find((each) => each[0] === key);
  return row === undefined || row[1] === null || row[2] === null ? undefined : { definition: row[1], stamps: row[2] };
}

test('every order of asking gets what a Map of the rows gives, missing and unlearned keys included', () => {
  const rows = makeRows(60);
  const keys = rows.map((row) => row[0]);
  let seed = 7;
  const random = (): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
  const orders: string[][] = [
    keys,
    [...keys].reverse(),
    // In order with gaps and keys no row has.
    keys.filter((_, index) => index % 3 !== 0).flatMap((key, index) => (index % 4 === 0 ? [`missing${index}`, key] : [key])),
    // Two steps whose rows interleave: each in order, one after the other.
    [...keys.filter((_, index) => index % 2 === 1), ...keys.filter((_, index) => index % 2 === 0)],
    // Asked twice.
    [...keys.slice(0, 10), ...keys.slice(0, 10)],
  ];
  for (let round = 0; round < 20; round += 1) orders.push([...keys, 'nope'].sort(() => random() - 0.5));
  for (const order of orders) {
    const lookup = createLearnedLookup(rows);
    for (const key of order) assert.deepEqual(lookup.get(key), expected(rows, key), `${key} in ${order.slice(0, 5).join(',')}...`);
  }
  assert.equal(createLearnedLookup([]).get('key000'), undefined);
});
