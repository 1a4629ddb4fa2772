import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { computeSignature } from '../../src/state/freshness/compute-signature.ts';
import { openStore, type StateStore } from '../../src/state/store/open-store.ts';
import { createJournal, type Journal, type JournalOptions } from '../../src/state/journal/journal.ts';
import type { SuccessEntry } from '../../src/state/journal/record-success.ts';
import { makeTask, makeTempDir } from './helpers.ts';

const RUN = '20261130-120000-1';

// Successes are batched by the journal (batch-successes.ts), as a run writes them.
function world(batch: JournalOptions['batch']): { store: StateStore; batcher: Journal; entry: (id: number, made?: boolean) => SuccessEntry; count: () => number } {
  const root = makeTempDir();
  const store = openStore(root);
  const batcher = createJournal(store, { batch });
  batcher.startRun({ id: RUN, command: 'sluice run' });
  const entry = (id: number, made = true): SuccessEntry => {
    const task = makeTask({ cwd: root, id, inputs: [], outputs: [`out-${id}.txt`] });
    if (made) fs.writeFileSync(path.join(root, `out-${id}.txt`), `made ${id}`);
    const signature = computeSignature({ action: task.action, inputs: [], outputs: task.outputs });
    return { task, attempt: 1, signature, startedAt: Date.now() };
  };
  const count = (): number => (store.db.prepare('SELECT count(*) AS n FROM task_successes').get() as { n: number }).n;
  return { store, batcher, entry, count };
}

test('a success that comes alone is written at once; those close behind it wait, and are written together', async () => {
  const { store, batcher, entry, count } = world({ delayMs: 200 });
  await batcher.commitSuccess(entry(1));
  assert.equal(count(), 1, 'nothing came before it: it did not wait');
  const written = [2, 3].map((id) => batcher.commitSuccess(entry(id)));
  assert.equal(count(), 1, 'nothing is written before the first of a batch has waited');
  await Promise.all(written);
  assert.equal(count(), 3);
  store.close();
});

test('a full batch is written at once, and flush() writes what waits', async () => {
  const { store, batcher, entry, count } = world({ maxEntries: 2, delayMs: 60_000 });
  await batcher.commitSuccess(entry(1));
  const full = [batcher.commitSuccess(entry(2)), batcher.commitSuccess(entry(3))];
  assert.equal(count(), 3);
  await Promise.all(full);
  const fourth = batcher.commitSuccess(entry(4));
  assert.equal(count(), 3);
  batcher.flush();
  await fourth;
  assert.equal(count(), 4);
  store.close();
});

test('a batch that cannot be written fails every success in it, and records none of them', async () => {
  const { store, batcher, entry, count } = world({ delayMs: 60_000 });
  await batcher.commitSuccess(entry(1));
  const batch = [batcher.commitSuccess(entry(2)), batcher.commitSuccess(entry(3, false))];
  batcher.flush();
  const results = await Promise.allSettled(batch);
  assert.deepEqual(results.map((result) => result.status), ['rejected', 'rejected']);
  assert.match(String((results[1] as PromiseRejectedResult).reason), /output out-3.txt does not exist/);
  assert.equal(count(), 1);
  // The next batch is written as usual.
  const next = batcher.commitSuccess(entry(4));
  batcher.flush();
  await next;
  assert.equal(count(), 2);
  store.close();
});

test('with `urgent`, a success waits for others while nothing waits for it, and is written at once, with those that wait, when something does', async () => {
  let urgent = false;
  const { store, batcher, entry, count } = world({ delayMs: 60_000, urgent: () => urgent });
  const first = batcher.commitSuccess(entry(1));
  const second = batcher.commitSuccess(entry(2));
  assert.equal(count(), 0, 'alone, but the run had no free slot: it waits');
  urgent = true;
  const third = batcher.commitSuccess(entry(3));
  assert.equal(count(), 3, 'a slot is free: written at once, with the two that waited');
  await Promise.all([first, second, third]);
  urgent = false;
  const fourth = batcher.commitSuccess(entry(4));
  assert.equal(count(), 3);
  batcher.hurry();
  await fourth;
  assert.equal(count(), 4, 'hurry() writes what waits');
  store.close();
});

test('with `urgent`, a success waits at most `delayMs`', async () => {
  const { store, batcher, entry, count } = world({ delayMs: 30, urgent: () => false });
  const written = [batcher.commitSuccess(entry(1)), batcher.commitSuccess(entry(2))];
  assert.equal(count(), 0);
  await Promise.all(written);
  assert.equal(count(), 2);
  store.close();
});
