import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { it } from 'node:test';
import { readStepDurationMedian } from '../../src/state/journal/read-step-durations.ts';
import { openStore } from '../../src/state/store/open-store.ts';

// The median the Slurm executor packs by, read from a real state database.
it('reads the median wall time of a step\'s recorded successes, undefined for a step with none', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-durations-'));
  const store = openStore(root);
  try {
    const insert = store.statement(
      `INSERT INTO task_successes (task_key, step, signature, inputs_hash, action_hash, params_hash, env_hash,
        input_hashes, outputs, outputs_stamp, run_id, finished_at, duration_ms) VALUES (?, ?, '', '', '', '', '', '[]', '[]', '', 'r', ?, ?)`,
    );
    [[10, 'a'], [30, 'a'], [20, 'a'], [40, 'a'], [5000, 'b']].forEach(([ms, step], i) => insert.run(`k${i}`, step, i, ms));
    assert.equal(readStepDurationMedian(store, 'a'), 25);
    assert.equal(readStepDurationMedian(store, 'b'), 5000);
    assert.equal(readStepDurationMedian(store, 'c'), undefined);
  } finally {
    store.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
});
