// Per-task records on the Slurm executor, against the real cluster of
// scripts/slurm/start-cluster.sh: the same project as test/cli/task-records.test.ts, the same
// lower bounds. Skipped, with the reason, when the cluster is not up.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runSluice } from '../helpers/run-sluice.ts';
import { slurmSkipReason } from '../conformance/slurm-cluster.ts';
import { parseTaskTable, WORK, writeRecordsProject } from '../cli/task-records-project.ts';

describe('per-task records on Slurm', { skip: slurmSkipReason() }, () => {
  it('records CPU time and peak memory of command and function tasks run as jobs', async () => {
    const dir = writeRecordsProject('sluice-slurm-records-');
    const run = await runSluice(['run', '--executor', 'slurm', '--keep-going'], { cwd: dir });
    assert.equal(run.code, 1, run.stderr);
    const table = await runSluice(['report', '--tasks', '-'], { cwd: dir });
    assert.equal(table.code, 0, table.stderr);
    const { rows } = parseTaskTable(table.stdout);
    assert.equal(rows.length, 7, table.stdout);
    for (const burn of rows.filter((row) => row.step === 'burn')) {
      assert.equal(burn.status, 'succeeded');
      assert.ok(Number(burn.cpu_user_s) > 0.1, `cpu_user_s ${burn.cpu_user_s}`);
      assert.ok(Number(burn.max_rss_kib) > 50 * 1024, `max_rss_kib ${burn.max_rss_kib}`);
    }
    for (const sum of rows.filter((row) => row.step === 'sum')) {
      assert.equal(sum.status, 'succeeded');
      assert.ok(Number(sum.cpu_user_s) + Number(sum.cpu_sys_s) > 0, JSON.stringify(sum));
      assert.ok(Number(sum.heap_kib) >= WORK.heapMiB * 1024, `heap_kib ${sum.heap_kib}`);
    }
    const broken = rows.find((row) => row.wildcards === 'name=broken');
    assert.deepEqual([broken?.status, broken?.attempt, broken?.exit], ['failed', '2', '3']);
  });
});
