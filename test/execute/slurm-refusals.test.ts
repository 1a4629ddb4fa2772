import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { SbatchRequest } from '../../src/execute/slurm/build-sbatch-argv.ts';
import { explainSbatchRefusal } from '../../src/execute/slurm/explain-sbatch-refusal.ts';
import { createSlurmClient } from '../../src/execute/slurm/slurm-client.ts';
import { makeTempDir } from '../helpers/run-sluice.ts';

// A submission the cluster refuses for one of its limits names the limit and what to do, in
// sluice's words, before sbatch's. The texts are sbatch's (Slurm 22-24).

const QOS = 'sbatch: error: QOSMaxSubmitJobPerUserLimit\nsbatch: error: Batch job submission failed: Job violates accounting/QOS policy (job submit limit, user\'s size and/or time limits)\n';
const ASSOC = 'sbatch: error: AssocMaxSubmitJobLimit\nsbatch: error: Batch job submission failed: Job violates accounting/QOS policy (job submit limit, user\'s size and/or time limits)\n';
const ARRAY = 'sbatch: error: Batch job submission failed: Invalid job array specification\n';
const TIME = 'sbatch: error: Batch job submission failed: Requested time limit is invalid (missing or exceeds some limit)\n';

const request: SbatchRequest = { jobName: 'sluice-map', script: '/s', scriptArgs: [], chdir: '/p', output: '/p/o', arraySize: 1000, cpus: 1, timeLimitMinutes: 31 };

describe('a submission refused for a cluster limit', () => {
  it('names the limit and what to do about it', () => {
    for (const stderr of [QOS, ASSOC]) {
      assert.match(explainSbatchRefusal(stderr, request) ?? '', /^the cluster refused an array of 1000 jobs: it would go over the number of jobs you may have queued \(MaxSubmitJobs .*lower -j, or run more tasks in each job with --tasks-per-job N$/);
    }
    assert.match(explainSbatchRefusal(ARRAY, request) ?? '', /larger than the cluster's MaxArraySize/);
    assert.match(explainSbatchRefusal(TIME, request) ?? '', /refused an array of 1000 jobs with --time=31 .*over the time limit of the partition or of your QOS/);
    assert.match(explainSbatchRefusal(QOS, { ...request, arraySize: undefined }) ?? '', /^the cluster refused a job:/);
    assert.equal(explainSbatchRefusal('sbatch: error: invalid partition specified: nope\n', request), undefined);
  });

  it('says so when the real client meets the refusal from sbatch, with sbatch\'s own words after', async () => {
    const dir = makeTempDir('sluice-sbatch-refusal-');
    fs.writeFileSync(path.join(dir, 'sbatch'), `#!/bin/sh\nprintf '%s' ${JSON.stringify(QOS)} >&2\nexit 1\n`, { mode: 0o755 });
    const saved = process.env['PATH'];
    process.env['PATH'] = `${dir}${path.delimiter}${saved ?? ''}`;
    try {
      const client = createSlurmClient({ commandTimeoutMs: 10_000, submitRetries: 3 });
      await assert.rejects(client.submit(request), (error: Error) => {
        assert.match(error.message, /^the cluster refused an array of 1000 jobs: it would go over the number of jobs you may have queued/);
        assert.match(error.message, /\(sbatch: exit 1: .*QOSMaxSubmitJobPerUserLimit.*\): sbatch --parsable/);
        return true;
      });
    } finally {
      process.env['PATH'] = saved;
    }
  });
});
