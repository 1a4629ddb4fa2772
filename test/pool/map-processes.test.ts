// The library's map(): a process that an item's function starts does not outlive the item's
// chunk, whether the function returns, throws, or the map is aborted.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { createPool } from '../../src/pool/create-pool.ts';
import { MapItemError, PoolAbortError } from '../../src/pool/pool-errors.ts';
import { killMarked, survivorsAfter, waitForMarked } from '../helpers/find-marked.ts';

interface Item {
  readonly marker: string;
  readonly then: 'return' | 'throw' | 'hang';
}

// Self-contained, as map() needs: it travels to the threads as source text.
async function startSleeper(item: Item): Promise<string> {
  const { spawn } = await import('node:child_process');
  const fs = await import('node:fs');
  spawn('python3', ['-c', 'import time; time.sleep(100000)', item.marker], { stdio: 'ignore' });
  for (let seen = false; !seen; await new Promise((resolve) => setTimeout(resolve, 50))) {
    for (const name of fs.readdirSync('/proc')) {
      try {
        if (fs.readFileSync(`/proc/${name}/cmdline`, 'latin1').includes(item.marker)) seen = true;
      } catch {
        // gone
      }
    }
  }
  if (item.then === 'throw') throw new Error(`item ${item.marker} broke`);
  if (item.then === 'hang') await new Promise((resolve) => setTimeout(resolve, 1e9));
  return item.marker;
}

const markers: string[] = [];
after(() => killMarked(markers));
function items(then: Item['then'], count: number): Item[] {
  return Array.from({ length: count }, () => {
    const marker = `sluice-map-orphan-${randomUUID()}`;
    markers.push(marker);
    return { marker, then };
  });
}

describe('processes started by map() items', () => {
  it('end when the items return', async () => {
    const pool = createPool({ threads: 2 });
    try {
      const list = items('return', 3);
      assert.deepEqual(await pool.map(list, startSleeper), list.map((item) => item.marker));
      assert.deepEqual(await survivorsAfter(list.map((item) => item.marker)), {});
    } finally {
      await pool.close();
    }
  });

  it('end when an item throws', async () => {
    const pool = createPool({ threads: 2 });
    try {
      const list = items('throw', 2);
      await assert.rejects(pool.map(list, startSleeper), MapItemError);
      assert.deepEqual(await survivorsAfter(list.map((item) => item.marker)), {});
    } finally {
      await pool.close();
    }
  });

  it('end when the map is aborted', async () => {
    const pool = createPool({ threads: 2 });
    try {
      const list = items('hang', 2);
      const controller = new AbortController();
      const mapped = pool.map(list, startSleeper, { signal: controller.signal });
      await waitForMarked(list.map((item) => item.marker));
      controller.abort();
      await assert.rejects(mapped, PoolAbortError);
      assert.deepEqual(await survivorsAfter(list.map((item) => item.marker)), {});
    } finally {
      await pool.close();
    }
  });
});
